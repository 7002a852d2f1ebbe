"""The export zip itself: the originals, the extracted data as CSV and JSON, and a manifest
with the SHA-256 of every other member, so a practice can check what it received."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
FIXED_COLUMNS = ("document_id", "filename", "content_type", "status", "reason", "engine")


@dataclass(frozen=True, slots=True)
class Entry:
    """One document as the bundle shows it, read from the database beforehand."""

    document_id: uuid.UUID
    filename: str
    content_type: str
    status: str
    reason: str | None
    blob_key: str
    sha256: str
    engine: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def member_name(entry: Entry) -> str:
    # The document id keeps names unique; the original name, made safe, keeps them readable.
    safe = re.sub(r"[^\w.\- ]+", "_", entry.filename.rsplit("/", 1)[-1]).strip(" .") or "document"
    return f"documents/{entry.document_id}-{safe[:120]}"


@dataclass(frozen=True, slots=True)
class Bundle:
    """The finished zip: an open temporary file at its start (closing it removes it)."""

    file: BinaryIO
    size: int
    sha256: str


class BundleWriter:
    """Writes members into a zip in a temporary file, so a bundle of any size never sits
    in memory, remembering each member's checksum."""

    def __init__(self) -> None:
        self._file: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 - handed to Bundle
        self._zip = zipfile.ZipFile(self._file, "w", compression=zipfile.ZIP_DEFLATED)
        self.checksums: dict[str, dict[str, Any]] = {}

    def add(self, name: str, data: bytes) -> None:
        self._zip.writestr(name, data)
        self.checksums[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}

    @contextmanager
    def member(self, name: str) -> Iterator[Callable[[bytes], None]]:
        """A member written in parts (each part hashed as it goes), for data too large to
        assemble in memory first."""
        digest, size = hashlib.sha256(), 0
        with self._zip.open(name, "w", force_zip64=True) as stream:

            def write(part: bytes) -> None:
                nonlocal size
                stream.write(part)
                digest.update(part)
                size += len(part)

            yield write
        self.checksums[name] = {"sha256": digest.hexdigest(), "bytes": size}

    def close(self, manifest: dict[str, Any]) -> Bundle:
        body = {**manifest, "files": self.checksums}
        self._zip.writestr(MANIFEST, json.dumps(body, indent=2, sort_keys=True))
        self._zip.close()
        self._file.seek(0)
        digest, size = hashlib.sha256(), 0
        while chunk := self._file.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        self._file.seek(0)
        return Bundle(self._file, size, digest.hexdigest())

    def discard(self) -> None:
        """Give up a bundle left half-written (the temporary file goes with it)."""
        self._zip.close()
        self._file.close()


def write_documents(
    writer: BundleWriter,
    entries: Iterable[Entry],
    read: Callable[[str], bytes | None],
    progress: Callable[[int], None],
) -> tuple[list[dict[str, Any]], list[str]]:
    """Add each original; say in the listing which blob was missing instead of failing.
    Returns the listing and the names of the extracted fields met, for the CSV columns."""
    listing: list[dict[str, Any]] = []
    field_names: set[str] = set()
    for done, entry in enumerate(entries, start=1):
        data = read(entry.blob_key)
        name = member_name(entry) if data is not None else None
        if data is not None and name is not None:
            writer.add(name, data)
        listing.append(
            {
                "document_id": str(entry.document_id),
                "filename": entry.filename,
                "member": name,
                "sha256": entry.sha256,
                "missing": data is None,
            }
        )
        field_names.update(entry.fields)
        progress(done)
    return listing, sorted(field_names)


def write_extracted_data(
    writer: BundleWriter, entries: Callable[[], Iterable[Entry]], field_names: list[str]
) -> None:
    """The JSON and CSV tables, written a row at a time from `entries()` (read once per
    table), so a file of any size never has its table in memory."""
    with writer.member("extracted/documents.json") as write:
        separator = b"[\n"
        for entry in entries():
            row = json.dumps(_row(entry), indent=2, sort_keys=True)
            write(separator + textwrap.indent(row, "  ").encode())
            separator = b",\n"
        write(b"[]" if separator == b"[\n" else b"\n]")
    with writer.member("extracted/documents.csv") as write:
        text = io.StringIO()
        table = csv.DictWriter(text, fieldnames=[*FIXED_COLUMNS, *field_names])
        table.writeheader()
        for entry in entries():
            flat = {name: csv_cell(entry.fields.get(name)) for name in field_names}
            fixed = {k: csv_cell(v) for k, v in _row(entry).items() if k != "fields"}
            table.writerow({**fixed, **flat})
            write(text.getvalue().encode("utf-8"))
            text.seek(0)
            text.truncate()
        write(text.getvalue().encode("utf-8"))


def _row(entry: Entry) -> dict[str, Any]:
    return {
        "document_id": str(entry.document_id),
        "filename": entry.filename,
        "content_type": entry.content_type,
        "status": entry.status,
        "reason": entry.reason,
        "engine": entry.engine,
        "fields": entry.fields,
    }


# A cell a spreadsheet would read as a formula (`=1+1+cmd|...`) starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: JSON for structures, never a formula a spreadsheet runs."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return neutralised(value if isinstance(value, str) else json.dumps(value, sort_keys=True))


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet shows but never evaluates (OWASP's CSV injection
    advice: a leading quote); a plain signed number such as -12.50 stays a number."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def manifest(
    client_file_id: uuid.UUID, export_id: uuid.UUID, created_at: datetime
) -> dict[str, Any]:
    return {
        "client_file_id": str(client_file_id),
        "export_id": str(export_id),
        "created_at": created_at.isoformat(),
        "format": "dossier-export-1",
    }
