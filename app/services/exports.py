"""Export bundles: asked for by the practice (before a detach or a delete, say), built by
the task `dossier.lifecycle.export` with its progress on the row, downloaded while the
practice can still see the file."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from app.config import Settings
from app.domain.model import Actor, FileStatus
from app.errors import ActionRefused, NotFound
from app.persistence.exports import (
    BUILDING,
    EXPIRED,
    FAILED,
    PENDING,
    READY,
    ExportBundle,
    export_key,
)
from app.persistence.models import Document, Extraction
from app.persistence.uow import UnitOfWork
from app.services import bundle, idempotency, messages
from app.services.access import visible_file
from app.services.bundle_lines import TABLED_FIELDS, write_lines
from app.services.idempotency import Answered, KeyClaim
from app.storage import BlobStore

log = logging.getLogger(__name__)

PROGRESS_EVERY = 25  # documents between two progress updates
ENTRY_CHUNK = 500  # documents read from the database at a time while writing the zip


@dataclass(frozen=True, slots=True)
class ExportView:
    id: uuid.UUID
    client_file_id: uuid.UUID
    status: str
    documents_done: int
    documents_total: int
    size_bytes: int | None
    sha256: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None


def view(export: ExportBundle) -> ExportView:
    return ExportView(
        export.id,
        export.client_file_id,
        export.status,
        export.documents_done,
        export.documents_total,
        export.size_bytes,
        export.sha256,
        export.error,
        export.created_at,
        export.finished_at,
        export.expires_at,
    )


@dataclass(frozen=True, slots=True)
class ExportLimits:
    ttl: timedelta = timedelta(days=7)
    max_per_file: int = 5

    @classmethod
    def from_settings(cls, settings: Settings) -> ExportLimits:
        return cls(timedelta(hours=settings.export_ttl_hours), settings.export_max_per_file)


def request(
    uow: UnitOfWork,
    *,
    client_file_id: uuid.UUID,
    actor: Actor,
    send: bool = True,
    limits: ExportLimits | None = None,
) -> ExportView:
    """Record the export and send its task after the commit (unless the caller builds it
    itself: `send=False`). Practice staff only; a file keeps `limits.max_per_file` at most."""
    return request_once(
        uow, None, client_file_id=client_file_id, actor=actor, send=send, limits=limits
    ).value


def request_once(
    uow: UnitOfWork,
    claim: KeyClaim | None,
    *,
    client_file_id: uuid.UUID,
    actor: Actor,
    send: bool = True,
    limits: ExportLimits | None = None,
) -> Answered[ExportView]:
    """`request`, once per idempotency key: the same request sent again is one export."""
    limits = limits or ExportLimits()

    def work() -> ExportView:
        return _request(uow, client_file_id, actor, send, limits)

    return idempotency.answered(uow, claim, ExportView, work)


def _request(
    uow: UnitOfWork, client_file_id: uuid.UUID, actor: Actor, send: bool, limits: ExportLimits
) -> ExportView:
    client_file = visible_file(uow, actor, client_file_id)
    if not actor.is_staff:
        raise ActionRefused(
            "Only staff of the practice can export a client file.",
            reason="practice_staff_only",
            client_file_id=client_file_id,
        )
    if client_file.status is FileStatus.DELETING:
        raise ActionRefused(
            "This client file is being deleted; nothing else can be done with it.",
            reason="file_being_deleted",
            client_file_id=client_file_id,
        )
    repository = uow.exports
    if repository.live_count(client_file_id) >= limits.max_per_file:
        raise ActionRefused(
            f"This client file already has {limits.max_per_file} exports; download them "
            "and wait for them to expire before asking for another.",
            reason="export_limit_reached",
            client_file_id=client_file_id,
        )
    total = sum(uow.documents.count_by_status(client_file_id).values())
    export = repository.add(
        ExportBundle(
            id=uuid.uuid4(),
            client_file_id=client_file_id,
            requested_by=actor.user_id,
            practice_id=actor.practice_id,
            expires_at=uow.clock() + limits.ttl,
            status=PENDING,
            documents_done=0,
            documents_total=total,
            created_at=uow.clock(),
            updated_at=uow.clock(),
        )
    )
    if send:
        uow.enqueue(messages.export(export.id))
    return view(export)


def build(
    uow: UnitOfWork,
    blobs: BlobStore,
    export_id: uuid.UUID,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportView:
    """Build the zip and keep it under the file's blob prefix. Running it again rebuilds
    an export left half-built and returns a finished one as it is."""
    started = _start(uow, export_id)
    if isinstance(started, ExportView):
        return started
    export, document_ids = started
    writer = bundle.BundleWriter()

    def progress(done: int) -> None:
        _progress(uow, export_id, done)
        if on_progress is not None:
            on_progress(done, len(document_ids))

    def entries() -> Iterator[bundle.Entry]:
        return _entries(uow, document_ids)

    try:
        listing, field_names = bundle.write_documents(writer, entries(), _reader(blobs), progress)
        columns = [name for name in field_names if name not in TABLED_FIELDS]
        bundle.write_extracted_data(writer, entries, columns)
        write_lines(writer, entries)
    except BaseException:
        writer.discard()
        raise
    header = bundle.manifest(export.client_file_id, export_id, export.created_at)
    built = writer.close({**header, "documents": listing})
    key = export_key(export.client_file_id, export_id)
    with built.file:
        blobs.put_stream(key, built.file)
    return _finish(uow, blobs, export_id, key, built)


def _start(
    uow: UnitOfWork, export_id: uuid.UUID
) -> ExportView | tuple[ExportView, list[uuid.UUID]]:
    """Mark the export building and take the list of its documents (their ids only: the
    rows are read a chunk at a time while the zip is written)."""
    with uow:
        export = uow.exports.get(export_id, lock=True)
        if export is None:
            raise NotFound("No such export.", export_id=export_id)
        if export.status in (READY, FAILED):
            return view(export)
        document_ids = uow.documents.ids_in_file(export.client_file_id)
        export.status, export.documents_done = BUILDING, 0
        export.documents_total, export.updated_at = len(document_ids), uow.clock()
        uow.commit()
        return view(export), document_ids


def _entries(uow: UnitOfWork, document_ids: list[uuid.UUID]) -> Iterator[bundle.Entry]:
    """The documents as the bundle shows them, read ENTRY_CHUNK at a time. A document
    deleted since the export started is left out."""
    for start in range(0, len(document_ids), ENTRY_CHUNK):
        with uow:
            rows = uow.documents.with_extractions(document_ids[start : start + ENTRY_CHUNK])
            chunk = [_entry(document, extraction) for document, extraction in rows]
        yield from chunk


def _entry(document: Document, extraction: Extraction | None) -> bundle.Entry:
    return bundle.Entry(
        document_id=document.id,
        filename=document.filename,
        content_type=document.content_type,
        status=str(document.status),
        reason=document.reason,
        blob_key=document.blob_key,
        sha256=document.sha256,
        engine=extraction.engine if extraction else None,
        fields=dict(extraction.fields) if extraction else {},
    )


def _reader(blobs: BlobStore) -> Callable[[str], bytes | None]:
    def read(key: str) -> bytes | None:
        try:
            return blobs.get(key)
        except (FileNotFoundError, KeyError):
            log.warning("export: blob %s is missing; listed as missing", key)
            return None

    return read


def _progress(uow: UnitOfWork, export_id: uuid.UUID, done: int) -> None:
    if done % PROGRESS_EVERY:
        return
    with uow:
        # One statement: a file deleted meanwhile took the export row with it, and an
        # update of a row that is gone must change nothing rather than fail the build.
        uow.exports.record_progress(export_id, done, uow.clock())
        uow.commit()


def _finish(
    uow: UnitOfWork, blobs: BlobStore, export_id: uuid.UUID, key: str, built: bundle.Bundle
) -> ExportView:
    with uow:
        # Lock order, as a deletion takes them: the file, then the export its row cascades to.
        exports = uow.exports
        client_file_id = exports.file_of(export_id)
        client_file = uow.files.lock(client_file_id, shared=True) if client_file_id else None
        export = exports.get(export_id, lock=True)
        if export is None or client_file is None or client_file.status is FileStatus.DELETING:
            # The file was deleted meanwhile: its content must not outlive it.
            blobs.delete(key)
            if export is None:
                raise NotFound("No such export.", export_id=export_id)
            export.status, export.error = FAILED, "The client file was deleted."
        else:
            export.status, export.documents_done = READY, export.documents_total
            export.size_bytes, export.sha256 = built.size, built.sha256
        export.updated_at = export.finished_at = uow.clock()
        uow.commit()
        return view(export)


def list_for_file(uow: UnitOfWork, *, actor: Actor, client_file_id: uuid.UUID) -> list[ExportView]:
    """The exports the caller's practice asked for; none for anybody else."""
    with uow:
        visible_file(uow, actor, client_file_id)
        if not actor.is_staff:
            return []
        exports = uow.exports.for_file(client_file_id, actor.practice_id)
        return [view(e) for e in exports]


def get(
    uow: UnitOfWork, *, actor: Actor, client_file_id: uuid.UUID, export_id: uuid.UUID
) -> ExportView:
    """One export, for staff of the practice that asked for it: to anybody else (the next
    practice of a detached file, say) it does not exist."""
    with uow:
        visible_file(uow, actor, client_file_id)
        export = uow.exports.get(export_id)
        if (
            export is None
            or export.client_file_id != client_file_id
            or not actor.is_staff
            or export.practice_id != actor.practice_id
        ):
            raise NotFound("No such export.", export_id=export_id)
        return view(export)


def download(
    uow: UnitOfWork,
    blobs: BlobStore,
    *,
    actor: Actor,
    client_file_id: uuid.UUID,
    export_id: uuid.UUID,
) -> BinaryIO:
    """The zip as a stream (the caller reads and closes it), for practice staff who can
    still see the file."""
    export = get(uow, actor=actor, client_file_id=client_file_id, export_id=export_id)
    if not actor.is_staff:
        raise ActionRefused(
            "Only staff of the practice can download an export.",
            reason="practice_staff_only",
            export_id=export_id,
        )
    if export.status == EXPIRED:
        raise ActionRefused(
            "This export has expired and its zip was removed; ask for a new one.",
            reason="export_expired",
            export_id=export_id,
        )
    if export.status != READY:
        raise ActionRefused(
            f"This export is {export.status}, not ready to download.",
            reason="export_not_ready",
            export_id=export_id,
        )
    return blobs.open(export_key(client_file_id, export_id))
