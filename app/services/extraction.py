"""The two halves of an extraction: claim the document (re-checking its file), run the
engine outside any transaction, then record the result only if the document still
waits for it."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app import logs
from app.config import Settings
from app.domain import reasons
from app.domain.gatekeeper import Decision, verdict
from app.domain.model import DocumentStatus, FileStatus
from app.errors import ExtractionTimedOut, UnreadableDocument
from app.extraction import Engine, ExtractionResult
from app.persistence.models import Document, Extraction
from app.persistence.uow import UnitOfWork
from app.services.documents import status_and_billing
from app.storage import BlobStore

log = logging.getLogger(__name__)


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
        logs.bind(client_file_id=client_file_id)
        client_file = uow.files.lock(client_file_id, shared=True)
        document = uow.documents.lock(document_id)
        if document is None or document.status not in (
            DocumentStatus.QUEUED,
            DocumentStatus.EXTRACTING,
        ):
            return None
        ruling = verdict(*status_and_billing(client_file))
        now = uow.clock()
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
            document.reason = reasons.INTERRUPTED
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
        document.updated_at = document.finished_at = uow.clock()
        uow.commit()
        return True


def record_failure(uow: UnitOfWork, document_id: uuid.UUID, reason: str) -> bool:
    """`reason`: a code of `app.domain.reasons`, perhaps with its detail (`with_detail`)."""
    with uow:
        document = _still_extracting(uow, document_id)
        if document is None:
            return False
        document.status = DocumentStatus.FAILED
        document.reason = reason[:500]
        document.updated_at = document.finished_at = uow.clock()
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
        log.error("document %s: blob %s is missing", document_id, claim.blob_key)
        record_failure(uow, document_id, reasons.BLOB_MISSING)
        return "failed"
    try:
        result = engine.extract(data, claim.content_type)
    except ExtractionTimedOut as error:
        # An expected ending, not a crash: the document fails saying a retry may help.
        log.warning("document %s: %s", document_id, error.message)
        reason = reasons.with_detail(reasons.TIMED_OUT, error.message)
        return "failed" if record_failure(uow, document_id, reason) else "discarded"
    except UnreadableDocument as error:
        log.info("document %s is unreadable: %s", document_id, error.message)
        reason = reasons.with_detail(reasons.UNREADABLE, error.message)
        return "failed" if record_failure(uow, document_id, reason) else "discarded"
    except Exception:
        log.exception("extraction engine crashed on document %s", document_id)
        return "failed" if record_failure(uow, document_id, reasons.ENGINE_ERROR) else "discarded"
    return "extracted" if record_extraction(uow, document_id, result) else "discarded"
