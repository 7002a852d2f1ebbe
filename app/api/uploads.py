"""Reading an upload from a multipart body as it streams in: the `file` field is spooled
to a temporary file (in memory only while small) and hashed on the way, everything else
is discarded, and a body over the limit is refused as soon as it crosses it, not after
it has all arrived."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import IO, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from app.domain.filetypes import SNIFF_BYTES
from app.errors import InvalidInput, UploadTooLarge
from app.services.documents import Incoming

FIELD = "file"
# Room for the part headers and boundaries around the file itself.
ENVELOPE_BYTES = 64 * 1024
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")
# Smaller files stay in memory; larger ones go to a temporary file as they arrive.
SPOOL_IN_MEMORY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FilePart:
    filename: str
    incoming: Incoming
    spool: IO[bytes]

    def close(self) -> None:
        self.spool.close()


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(f"The file is larger than the limit of {limit} bytes.")


@dataclass
class _Collector:
    """python-multipart callbacks keeping only the first `file` part."""

    limit: int
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    disposition: bytes = b""
    in_file: bool = False
    spool: Any = None  # a SpooledTemporaryFile once the `file` part begins
    size: int = 0
    head: bytearray = field(default_factory=bytearray)
    digest: Any = field(default_factory=hashlib.sha256)
    filename: str = ""
    ended: bool = False

    def on_part_begin(self) -> None:
        self.disposition, self.in_file = b"", False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self.header_field).lower() == b"content-disposition":
            self.disposition = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        if options.get(b"name") != FIELD.encode():
            return
        if self.spool is not None:
            raise InvalidInput("Send one file per request.")
        if b"filename" not in options:
            # A plain form field (`curl -F file=hello`, `-F file=<path`): text typed into
            # the form, not a document; every client sends a file with its name.
            raise InvalidInput(
                "The field 'file' holds a form value, not a file: send the document as a "
                "file part, with its file name (curl -F file=@receipt.pdf)."
            )
        self.in_file = True
        # Closed by the request once the upload is done (FilePart.close), or on error.
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
        self.filename = clean_filename(options.get(b"filename", b"").decode("utf-8", "replace"))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.in_file or self.spool is None:
            return
        if self.size + (end - start) > self.limit:
            raise _too_large(self.limit)
        chunk = data[start:end]
        self.spool.write(chunk)
        self.digest.update(chunk)
        self.size += len(chunk)
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]

    def part(self) -> FilePart:
        spool = self.spool

        def from_the_start() -> Any:
            spool.seek(0)
            return spool

        incoming = Incoming(bytes(self.head), self.size, self.digest.hexdigest(), from_the_start)
        return FilePart(self.filename, incoming, spool)

    def on_part_end(self) -> None:
        self.in_file = False

    def on_end(self) -> None:
        self.ended = True

    def discard(self) -> None:
        if self.spool is not None:
            self.spool.close()


def clean_filename(name: str) -> str:
    # Browsers may send a full client-side path; only its last part is a name.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("", name).strip()
    return name[:255] or "upload"


def check_envelope(content_type: str, content_length: str | None, limit: int) -> bytes:
    """Refuse before reading what can be refused from the headers; return the boundary."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidInput("Send the document as multipart/form-data, in a field named 'file'.")
    declared = int(content_length) if content_length and content_length.isdigit() else 0
    if declared > limit + ENVELOPE_BYTES:
        raise _too_large(limit)
    return boundary


async def read_file_part(chunks: AsyncIterator[bytes], boundary: bytes, limit: int) -> FilePart:
    collector = _Collector(limit)
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": collector.on_part_begin,
                "on_header_field": collector.on_header_field,
                "on_header_value": collector.on_header_value,
                "on_header_end": collector.on_header_end,
                "on_headers_finished": collector.on_headers_finished,
                "on_part_data": collector.on_part_data,
                "on_part_end": collector.on_part_end,
                "on_end": collector.on_end,
            },
        )
        received = 0
        async for chunk in chunks:
            received += len(chunk)
            # Parts other than `file` are not kept, but nobody may stream without end.
            if received > limit + ENVELOPE_BYTES:
                raise _too_large(limit)
            parser.write(chunk)
    except FormParserError:
        collector.discard()
        raise InvalidInput("The multipart body is malformed.") from None
    except ClientDisconnect:
        collector.ended = False  # nobody is left to answer; nothing was stored
    except BaseException:
        collector.discard()
        raise
    if not collector.ended:
        collector.discard()
        raise InvalidInput("The upload was cut off before its end; send it again.")
    if collector.spool is None:
        raise InvalidInput("The form has no field named 'file'.")
    return collector.part()
