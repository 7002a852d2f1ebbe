"""Documents handed over by other services through Celery: the producer puts the bytes in
the shared blob storage under `incoming/` and sends `dossier.documents.ingest` naming them.

The task checks them exactly as an HTTP upload (it is one: `documents.upload`), copies them
to their place, creates the document (the gate decides the rest), then removes the
incoming blob. Each step can run again: the answer is recorded under an idempotency key
with the document, so a second delivery (after a success, at the same moment, or after a
worker died anywhere in between) finds it and only finishes the clean-up."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, BinaryIO

from app.config import Settings
from app.domain.filetypes import SNIFF_BYTES
from app.errors import InvalidInput, NotFound, UploadTooLarge
from app.persistence.uow import UnitOfWork
from app.services import documents, idempotency
from app.services.documents import Incoming, UploadResult
from app.services.idempotency import KeyClaim
from app.storage import COPY_CHUNK, BlobStore

log = logging.getLogger(__name__)

INCOMING = "incoming/"
_INCOMING_KEY = re.compile(r"^incoming/[A-Za-z0-9._~-][A-Za-z0-9._~/-]{0,250}$")
# Smaller blobs are read into memory; larger ones go through a temporary file.
SPOOL_IN_MEMORY_BYTES = 1024 * 1024


def checked_incoming_key(key: str) -> str:
    if not _INCOMING_KEY.match(key) or ".." in key.split("/") or "//" in key:
        raise InvalidInput(
            f"The key must name a blob under {INCOMING} (letters, digits, '._~-/'), "
            f"not {key[:80]!r}."
        )
    return key


@dataclass(frozen=True, slots=True)
class Handover:
    """What a producer sent: where the bytes are, for which file, from whom."""

    client_file_id: uuid.UUID
    actor_id: uuid.UUID
    key: str
    filename: str
    sha256: str | None = None
    # Without one, the Celery task id is the key: a message delivered twice is one upload.
    idempotency_key: str | None = None


def claim_for(handover: Handover, task_id: str, retention: timedelta) -> KeyClaim:
    key = handover.idempotency_key or f"task:{task_id}"
    request = idempotency.fingerprint(
        "INGEST",
        str(handover.client_file_id),
        handover.key,
        handover.filename,
        handover.sha256 or "",
    )
    return KeyClaim(f"actor:{handover.actor_id}", key, request, retention)


def ingest(
    uow: UnitOfWork,
    blobs: BlobStore,
    settings: Settings,
    handover: Handover,
    claim: KeyClaim,
) -> UploadResult:
    """Create the document from the incoming blob, or give the answer of the delivery
    that did; either way the incoming blob is gone afterwards."""
    checked_incoming_key(handover.key)
    with uow:
        actor = uow.users.actor(handover.actor_id)
        first = idempotency.previous(uow, claim)
    if first is not None:
        blobs.delete(handover.key)  # a delivery that died after creating the document
        return UploadResult.from_record(first)
    if actor is None:
        raise NotFound("No such user.", user_id=handover.actor_id)
    try:
        stream = blobs.open(handover.key)
    except FileNotFoundError:
        return _twin_answer(uow, handover, claim)
    with contextlib.closing(stream):
        incoming, spool = spooled(stream, settings.max_upload_bytes)
    try:
        if handover.sha256 is not None and handover.sha256 != incoming.sha256:
            raise InvalidInput(
                f"The blob's SHA-256 is {incoming.sha256}, not the {handover.sha256} sent.",
                client_file_id=handover.client_file_id,
            )
        result = documents.upload(
            uow,
            blobs,
            settings,
            client_file_id=handover.client_file_id,
            actor=actor,
            filename=handover.filename,
            data=incoming,
            claim=claim,
        )
    finally:
        spool.close()
    # Only once the document (or the answer) is committed: a crash before this leaves the
    # incoming blob for the next delivery, never a document without its bytes.
    blobs.delete(handover.key)
    return result


def _twin_answer(uow: UnitOfWork, handover: Handover, claim: KeyClaim) -> UploadResult:
    """The incoming blob is gone: a twin delivery took it just now (its answer is
    recorded), or it never was there."""
    with uow:
        first = idempotency.previous(uow, claim)
    if first is None:
        raise InvalidInput(
            f"No blob under {handover.key!r}: put the bytes there before sending the task.",
            client_file_id=handover.client_file_id,
        )
    return UploadResult.from_record(first)


def spooled(stream: BinaryIO, limit: int) -> tuple[Incoming, IO[bytes]]:
    """Read a blob once, hashing it and keeping its head, into a spool file to read again;
    refuse it as soon as it passes `limit`."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
    digest, size, head = hashlib.sha256(), 0, bytearray()
    try:
        while chunk := stream.read(COPY_CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge(f"The file is larger than the limit of {limit} bytes.")
            spool.write(chunk)
            digest.update(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
    except BaseException:
        spool.close()
        raise

    def from_the_start() -> BinaryIO:
        spool.seek(0)
        return spool  # type: ignore[return-value]

    return Incoming(bytes(head), size, digest.hexdigest(), from_the_start), spool


def clean_incoming(blobs: BlobStore, *, older_than: datetime, limit: int = 10_000) -> int:
    """Remove incoming blobs no task claimed, last written before `older_than` (beat)."""
    removed = 0
    for key in blobs.older_than(INCOMING, older_than):
        if removed >= limit:
            break
        if blobs.delete(key):
            log.info("incoming blob %s was never claimed by an ingest task; removed", key)
            removed += 1
    return removed
