"""Uploads, the gatekeeper, and the two halves of an extraction (claim, then record)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.config import Settings
from app.domain import filetypes
from app.domain.gatekeeper import Decision, verdict
from app.domain.model import Actor, Billing, DocumentStatus, FileStatus
from app.errors import (
    ActionRefused,
    EmptyUpload,
    NotFound,
    UnreadableDocument,
    UnsupportedFileType,
    UploadTooLarge,
)
from app.extraction import Engine, ExtractionResult
from app.persistence.models import ClientFile, Document, Extraction, utcnow
from app.persistence.uow import UnitOfWork
from app.services import messages
from app.storage import BlobStore, blob_key

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UploadResult:
    document_id: uuid.UUID
    status: DocumentStatus
    duplicate: bool


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    max_attempts: int
    claim_lease: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ExtractionLimits:
        return cls(
            settings.extraction_max_attempts,
            timedelta(seconds=settings.extraction_time_limit_seconds),
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """A document a worker may now extract."""

    document_id: uuid.UUID
    blob_key: str
    content_type: str


def validate_upload(data: bytes, settings: Settings) -> str:
    """Refuse bad uploads before anything is written; return the sniffed content type."""
    if not data:
        raise EmptyUpload("The file is empty.")
    if len(data) > settings.max_upload_bytes:
        raise UploadTooLarge(
            f"The file is {len(data)} bytes; the limit is {settings.max_upload_bytes} bytes."
        )
    content_type = filetypes.sniff(data)
    if content_type is None or content_type not in settings.allowed_content_types:
        raise UnsupportedFileType(
            "This file is not a PDF, JPEG, PNG or plain-text document Dossier can read."
        )
    return content_type


def upload(
    uow: UnitOfWork,
    blobs: BlobStore,
    settings: Settings,
    *,
    client_file_id: uuid.UUID,
    actor: Actor,
    filename: str,
    data: bytes,
) -> UploadResult:
    """Store the blob, add the document row and send it to the gatekeeper after commit.

    Uploads to a deactivated file are stored (the gatekeeper will skip them); uploads to a
    file being deleted are refused.
    """
    content_type = validate_upload(data, settings)
    sha256 = hashlib.sha256(data).hexdigest()
    key = blob_key(client_file_id, sha256)
    with uow:
        _open_for_upload(uow.files.get(client_file_id), client_file_id, actor)
        existing = uow.documents.by_hash(client_file_id, sha256)
        if existing is not None:
            return UploadResult(existing.id, existing.status, duplicate=True)
    blobs.put(key, data)
    with uow:
        try:
            client_file = uow.files.lock(client_file_id, shared=True)
            _open_for_upload(client_file, client_file_id, actor)
        except (NotFound, ActionRefused):
            # Refused after the blob was written: take it back so nothing is half-written.
            blobs.delete(key)
            raise
        existing = uow.documents.by_hash(client_file_id, sha256)
        if existing is not None:
            return UploadResult(existing.id, existing.status, duplicate=True)
        document = _new_document(client_file_id, actor, filename, content_type, data, key)
        uow.documents.add(document)
        uow.enqueue(messages.gate(document.id, _task_id(document)))
        uow.commit()
        return UploadResult(document.id, document.status, duplicate=False)


def _open_for_upload(
    client_file: ClientFile | None, client_file_id: uuid.UUID, actor: Actor
) -> None:
    if client_file is None or not actor.can_see(client_file.id, client_file.practice_id):
        raise NotFound("No such client file.", client_file_id=client_file_id)
    if client_file.status is FileStatus.DELETING:
        raise ActionRefused(
            "This client file is being deleted; it accepts no more documents.",
            reason="file_being_deleted",
            client_file_id=client_file_id,
        )


def _new_document(
    client_file_id: uuid.UUID,
    actor: Actor,
    filename: str,
    content_type: str,
    data: bytes,
    key: str,
) -> Document:
    now = utcnow()
    return Document(
        id=uuid.uuid4(),
        client_file_id=client_file_id,
        filename=filename[:255] or "upload",
        content_type=content_type,
        size_bytes=len(data),
        sha256=key.rsplit("/", 1)[-1],
        blob_key=key,
        status=DocumentStatus.PENDING,
        task_id=uuid.uuid4(),
        attempts=0,
        uploaded_by=actor.user_id,
        created_at=now,
        updated_at=now,
    )


def _task_id(document: Document) -> uuid.UUID:
    assert document.task_id is not None
    return document.task_id


def gate(uow: UnitOfWork, document_id: uuid.UUID) -> str:
    """Decide from the file's state right now: extract, skip (with reason) or drop.

    Holds the file row FOR SHARE, so no lifecycle change commits between the read and
    the decision. Returns the outcome; a second delivery finds the decision made.
    """
    with uow:
        client_file_id = uow.documents.file_id_of(document_id)
        if client_file_id is None:
            return "gone"
        client_file = uow.files.lock(client_file_id, shared=True)
        document = uow.documents.lock(document_id)
        if document is None:
            return "gone"
        if document.status is not DocumentStatus.PENDING:
            return "already_decided"
        ruling = verdict(*_status_and_billing(client_file))
        if ruling.decision is Decision.DROP:
            return "dropped"
        document.updated_at = utcnow()
        if ruling.decision is Decision.SKIP:
            document.status = DocumentStatus.SKIPPED
            document.reason = ruling.reason
        else:
            document.status = DocumentStatus.QUEUED
            document.task_id = uuid.uuid4()
            uow.enqueue(messages.extract(document.id, document.task_id))
        uow.commit()
        return str(ruling.decision)


def _status_and_billing(
    client_file: ClientFile | None,
) -> tuple[FileStatus | None, Billing | None]:
    if client_file is None:
        return None, None
    return client_file.status, client_file.billing


def claim_for_extraction(
    uow: UnitOfWork, document_id: uuid.UUID, limits: ExtractionLimits
) -> Claim | None:
    """Re-check the file, then mark the document as being extracted.

    A revoke that never arrived, a duplicate delivery or a sweeper resend all end here:
    only a document still allowed, not finished, and not held by a live claim is claimed.
    A claim lives as long as the task time limit; after that its worker is gone.
    """
    with uow:
        client_file_id = uow.documents.file_id_of(document_id)
        if client_file_id is None:
            return None
        client_file = uow.files.lock(client_file_id, shared=True)
        document = uow.documents.lock(document_id)
        if document is None or document.status not in (
            DocumentStatus.QUEUED,
            DocumentStatus.EXTRACTING,
        ):
            return None
        ruling = verdict(*_status_and_billing(client_file))
        now = utcnow()
        if ruling.decision is Decision.DROP or _claim_is_live(document, limits, now):
            return None
        if ruling.decision is Decision.SKIP:
            document.status, document.reason, document.updated_at = (
                DocumentStatus.SKIPPED,
                ruling.reason,
                now,
            )
        elif document.attempts >= limits.max_attempts:
            document.status, document.updated_at, document.finished_at = (
                DocumentStatus.FAILED,
                now,
                now,
            )
            document.reason = f"extraction was interrupted {document.attempts} times"
        else:
            document.status = DocumentStatus.EXTRACTING
            document.attempts += 1
            document.started_at = document.updated_at = now
        uow.commit()
        if document.status is not DocumentStatus.EXTRACTING:
            return None
        return Claim(document.id, document.blob_key, document.content_type)


def _claim_is_live(document: Document, limits: ExtractionLimits, now: datetime) -> bool:
    return (
        document.status is DocumentStatus.EXTRACTING
        and document.started_at is not None
        and now - document.started_at < limits.claim_lease
    )


def record_extraction(uow: UnitOfWork, document_id: uuid.UUID, result: ExtractionResult) -> bool:
    """Store the result only if the document still exists and is still being extracted."""
    with uow:
        document = _still_extracting(uow, document_id)
        if document is None:
            return False
        uow.documents.add_extraction(
            Extraction(
                document_id=document.id,
                client_file_id=document.client_file_id,
                engine=result.engine,
                text=result.text,
                fields=result.fields,
                seconds=result.seconds,
            )
        )
        document.status = DocumentStatus.EXTRACTED
        document.updated_at = document.finished_at = utcnow()
        uow.commit()
        return True


def record_failure(uow: UnitOfWork, document_id: uuid.UUID, reason: str) -> bool:
    with uow:
        document = _still_extracting(uow, document_id)
        if document is None:
            return False
        document.status = DocumentStatus.FAILED
        document.reason = reason[:500]
        document.updated_at = document.finished_at = utcnow()
        uow.commit()
        return True


def _still_extracting(uow: UnitOfWork, document_id: uuid.UUID) -> Document | None:
    client_file_id = uow.documents.file_id_of(document_id)
    if client_file_id is None:
        return None
    client_file = uow.files.lock(client_file_id, shared=True)
    if client_file is None or client_file.status is FileStatus.DELETING:
        return None
    document = uow.documents.lock(document_id)
    if document is None or document.status is not DocumentStatus.EXTRACTING:
        return None
    return document


def extract(
    uow: UnitOfWork,
    blobs: BlobStore,
    engine: Engine,
    document_id: uuid.UUID,
    limits: ExtractionLimits,
) -> str:
    """Claim, read, extract, record. Unreadable input and engine crashes fail the one
    document; database and broker errors propagate so the task can retry."""
    claim = claim_for_extraction(uow, document_id, limits)
    if claim is None:
        return "not_claimed"
    try:
        data = blobs.get(claim.blob_key)
    except FileNotFoundError:
        record_failure(uow, document_id, "The original file is missing from storage.")
        return "failed"
    try:
        result = engine.extract(data, claim.content_type)
    except UnreadableDocument as error:
        return "failed" if record_failure(uow, document_id, error.message) else "discarded"
    except Exception as error:
        log.exception("extraction engine crashed on document %s", document_id)
        reason = f"The extraction engine failed: {type(error).__name__}: {error}"
        return "failed" if record_failure(uow, document_id, reason) else "discarded"
    return "extracted" if record_extraction(uow, document_id, result) else "discarded"
