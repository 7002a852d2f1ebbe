"""What the sync and async clients share: the requests they make (as plans), the retry
policy, turning answers into typed results or exceptions, and the upload body."""

from __future__ import annotations

import contextlib
import email.utils
import mimetypes
import os
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

import httpx

from app.api.schemas import DocumentOut, JobOut
from app.client import errors

T = TypeVar("T")

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Answers worth sending again: the server asked to wait, or was briefly unable to answer.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
CHANGES = frozenset({"POST", "PUT", "DELETE"})
TERMINAL_DOCUMENT = frozenset({"extracted", "skipped", "failed"})
FINISHED_JOB = frozenset({"done", "refused", "cancelled"})

# A path, or an open binary file (read from its current position).
FileSource = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff doubling from `base` up to `cap` seconds, with full jitter; a `Retry-After`
    from the server is honoured up to `max_wait`."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    max_wait: float = 120.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or min(self.base, self.cap, self.max_wait) < 0:
            raise ValueError("RetryPolicy needs at least one attempt and no negative delay")

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        asked = retry_after(response) if response is not None else None
        if asked is not None:
            return min(asked, self.max_wait)
        return random.uniform(0, min(self.cap, self.base * 2**attempt))


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    return None


@dataclass
class Plan(Generic[T]):
    """One API call: what to send, and how to read the answer."""

    method: str
    path: str
    parse: Callable[[Any], T]
    json: Any = None
    params: dict[str, Any] | None = None
    upload: UploadBody | None = None
    idempotency_key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every change carries a key, the same on each retry: a retry after a lost answer
        # gets the first answer, never a second document, job, export or invitation.
        if self.method in CHANGES:
            key = self.idempotency_key or str(uuid.uuid4())
            self.headers[IDEMPOTENCY_HEADER] = key

    def request_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"headers": self.headers}
        if self.json is not None:
            options["json"] = self.json
        if self.params:
            options["params"] = self.params
        if self.upload is not None:
            options["files"] = {"file": self.upload.part()}
        return options

    def result(self, response: httpx.Response) -> T:
        if response.status_code >= 400:
            raise errors.error_for(response.status_code, _json(response))
        return self.parse(response.json())


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"error": {"code": "http_error", "message": response.text[:500]}}


def should_retry(response: httpx.Response) -> bool:
    return response.status_code in RETRY_STATUSES


class UploadBody:
    """A file to upload, streamed (never read whole into memory) and readable again from
    its start for each retry. A stream that cannot seek is first copied to a spool file."""

    def __init__(self, source: FileSource, filename: str | None) -> None:
        self._path: Path | None = None
        self._stream: IO[bytes] | None = None
        self._owned = False
        if isinstance(source, str | os.PathLike):
            self._path = Path(source)
            self.filename = filename or self._path.name
        else:
            self._stream, self._start = _rewindable(source)
            self._owned = self._stream is not source
            self.filename = filename or Path(str(getattr(source, "name", "upload"))).name
        self.content_type = mimetypes.guess_type(self.filename)[0] or "application/octet-stream"
        self._open: IO[bytes] | None = None

    def part(self) -> tuple[str, IO[bytes], str]:
        if self._path is not None:
            if self._open is not None:
                self._open.close()
            self._open = self._path.open("rb")
            return self.filename, self._open, self.content_type
        assert self._stream is not None
        self._stream.seek(self._start)
        return self.filename, self._stream, self.content_type

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        if self._owned and self._stream is not None:
            self._stream.close()


def _rewindable(stream: IO[bytes]) -> tuple[IO[bytes], int]:
    with contextlib.suppress(AttributeError, OSError, ValueError):
        if stream.seekable():
            return stream, stream.tell()
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - closed by UploadBody
    shutil.copyfileobj(stream, spool, 1024 * 1024)
    return spool, 0


def attempts(policy: RetryPolicy) -> Iterator[int]:
    return iter(range(policy.attempts))


def give_up(error: httpx.TransportError) -> errors.ConnectionFailed:
    return errors.ConnectionFailed(f"Dossier could not be reached: {error!r}")


def document_id(document: Any) -> str:
    """A document, an upload's answer, or an id."""
    return object_id(document)


def object_id(thing: Any) -> str:
    """An answer of the API that has an `id` (a document, a request…), or an id."""
    return str(getattr(thing, "id", thing))


def extracted(document: DocumentOut) -> DocumentOut:
    if document.status != "extracted":
        raise errors.DocumentNotExtracted(document)
    return document


def finished(job: JobOut) -> JobOut:
    """A finished job, or ActionRefused carrying the job's reason."""
    if job.status == "refused":
        error = {"code": "action_refused", "message": job.message, "reason": job.reason}
        raise errors.ActionRefused(409, {"error": error | {"job_id": str(job.id)}})
    return job
