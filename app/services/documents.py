"""Uploads, the gatekeeper, and the two halves of an extraction (claim, then record)."""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from app import logs
from app.config import Settings
from app.domain import filetypes
from app.domain.filetypes import SNIFF_BYTES
from app.domain.gatekeeper import Decision, Verdict, verdict
from app.domain.model import Actor, Billing, DocumentStatus, FileStatus
from app.errors import (
    ActionRefused,
    EmptyUpload,
    NotFound,
    UnsupportedFileType,
    UploadTooLarge,
)
from app.persistence.intake import FileSeen
from app.persistence.models import ClientFile, Document
from app.persistence.uow import UnitOfWork
from app.services import idempotency, messages
from app.services.idempotency import KeyClaim
from app.storage import BlobStore, blob_key

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UploadResult:
    document_id: uuid.UUID
    status: DocumentStatus
    duplicate: bool
    replayed: bool = False  # the first answer to this idempotency key, given again

    def as_record(self) -> dict[str, Any]:
        return {
            "document_id": str(self.document_id),
            "status": str(self.status),
            "duplicate": self.duplicate,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> UploadResult:
        return cls(
            uuid.UUID(record["document_id"]),
            DocumentStatus(record["status"]),
            bool(record["duplicate"]),
            replayed=True,
        )


@dataclass(frozen=True, slots=True)
class Incoming:
    """An upload on its way in: its first bytes (to tell its type), its size and hash, and
    a way to read it whole from the start, so a large file never has to sit in memory."""

    head: bytes
    size: int
    sha256: str
    open: Callable[[], BinaryIO]

    @classmethod
    def from_bytes(cls, data: bytes) -> Incoming:
        digest = hashlib.sha256(data).hexdigest()
        return cls(data[:SNIFF_BYTES], len(data), digest, lambda: io.BytesIO(data))


def validate_upload(incoming: Incoming, settings: Settings) -> str:
    """Refuse bad uploads before anything is written; return the sniffed content type."""
    if incoming.size == 0:
        raise EmptyUpload("The file is empty.")
    if incoming.size > settings.max_upload_bytes:
        raise UploadTooLarge(
            f"The file is {incoming.size} bytes; the limit is {settings.max_upload_bytes} bytes."
        )
    content_type = filetypes.sniff(incoming.head)
    if content_type is None:
        raise UnsupportedFileType(filetypes.refusal(incoming.head))
    if content_type not in settings.allowed_content_types:
        raise UnsupportedFileType(f"Files of this type ({content_type}) are not accepted here.")
    return content_type


def upload(
    uow: UnitOfWork,
    blobs: BlobStore,
    settings: Settings,
    *,
    client_file_id: uuid.UUID,
    actor: Actor,
    filename: str,
    data: bytes | Incoming,
    claim: KeyClaim | None = None,
) -> UploadResult:
    """Store the blob, add the document row and send it to the gatekeeper after commit.

    Uploads to a deactivated file are stored (the gatekeeper will skip them); uploads to a
    file being deleted are refused. With an idempotency `claim`, the answer is recorded
    with the document (one more insert), and a request sent again gets the first answer.
    """
    incoming = data if isinstance(data, Incoming) else Incoming.from_bytes(data)
    content_type = validate_upload(incoming, settings)
    key = blob_key(client_file_id, incoming.sha256)
    # The blob first, then one transaction: the caller checked access before reading the
    # body, and the checks below are made again under the file's lock. The caller owns
    # the stream (a request's spool file): read it, leave it open. Identical bytes write
    # the same key atomically, so a duplicate rewrites its original's blob unchanged.
    blobs.put_stream(key, incoming.open())
    document = _new_document(
        client_file_id, actor, filename, content_type, incoming, key, uow.clock()
    )
    # Without an idempotency key the row is all an upload writes, in one statement: on
    # PostgreSQL that statement is the transaction (no BEGIN, no COMMIT round trips), and
    # it has committed when it returns, before the gate message leaves.
    with uow.autocommit() if claim is None else uow:
        client_file, added = uow.intake.add_document(
            document,
            practice_id=actor.practice_id if actor.is_staff else None,
            granted=not actor.is_staff and client_file_id in actor.client_file_ids,
        )
        try:
            check_open_for_upload(client_file, client_file_id, actor)
        except (NotFound, ActionRefused):
            _take_back(uow, blobs, client_file, key, incoming.sha256)
            raise
        if added:
            result = UploadResult(document["id"], DocumentStatus.PENDING, duplicate=False)
        else:
            # Its twin, with the same bytes, went in first.
            twin = uow.intake.twin(client_file_id, incoming.sha256)
            result = UploadResult(*twin, duplicate=True)
        first = _answered_before(uow, blobs, client_file, key, incoming.sha256, claim, result)
        if first is not None:
            return first
        if added:
            uow.enqueue(messages.gate(document["id"], document["task_id"], coalesce=True))
        uow.commit()
        return result


def _answered_before(
    uow: UnitOfWork,
    blobs: BlobStore,
    client_file: FileSeen | None,
    key: str,
    sha256: str,
    claim: KeyClaim | None,
    result: UploadResult,
) -> UploadResult | None:
    """Record the answer under the key. When the key was answered before, undo this
    upload (its row, and its blob unless a document holds the same bytes) and return the
    first answer, or raise when the key came with another request."""
    try:
        first = idempotency.remember(uow, claim, result.as_record())
    except idempotency.IdempotencyKeyReused:
        uow.rollback()
        _take_back(uow, blobs, client_file, key, sha256)
        raise
    if first is None:
        return None
    uow.rollback()
    _take_back(uow, blobs, client_file, key, sha256)
    return UploadResult.from_record(first)


def _take_back(
    uow: UnitOfWork, blobs: BlobStore, client_file: FileSeen | None, key: str, sha256: str
) -> None:
    """Refused after the blob was written: remove it so nothing is half-written, unless a
    document of a file that keeps it holds the same bytes under the same key."""
    if (
        client_file is None
        or client_file.status is FileStatus.DELETING
        or uow.documents.by_hash(client_file.id, sha256) is None
    ):
        blobs.delete(key)


def check_open_for_upload(
    client_file: ClientFile | FileSeen | None, client_file_id: uuid.UUID, actor: Actor
) -> None:
    """NotFound for a file the actor cannot see, 409 `file_being_deleted` for one in its
    deletion (grace period included)."""
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
    incoming: Incoming,
    key: str,
    now: datetime,
) -> dict[str, Any]:
    """A new upload's row, `pending`, under a gate message id of its own."""
    return {
        "id": uuid.uuid4(),
        "client_file_id": client_file_id,
        "filename": filename[:255] or "upload",
        "content_type": content_type,
        "size_bytes": incoming.size,
        "sha256": incoming.sha256,
        "blob_key": key,
        "status": DocumentStatus.PENDING,
        "task_id": uuid.uuid4(),
        "attempts": 0,
        "uploaded_by": actor.user_id,
        "created_at": now,
        "updated_at": now,
    }


def gate(uow: UnitOfWork, document_id: uuid.UUID, *, batch_size: int = 1) -> str:
    """Decide from the file's state right now: extract, skip (with reason) or drop.

    Holds the file row FOR SHARE, so no lifecycle change commits between the read and
    the decision. Returns the outcome; a second delivery finds the decision made.

    With `batch_size` above 1, the same decision also takes up to `batch_size - 1` more
    of the file's `pending` documents (those no other gate holds): they are judged by the
    same file state under the same locks, and their own gate messages, now pointless,
    are revoked after the commit (one that runs anyway finds its document decided).
    A burst of uploads to one file is decided a batch per transaction.
    """
    with uow:
        # A decided document never returns to pending under the same message, so a
        # duplicate or overtaken message stops here, before taking any lock.
        known = uow.documents.file_and_status(document_id)
        if known is None:
            return "gone"
        client_file_id, status = known
        logs.bind(client_file_id=client_file_id)
        if status is not DocumentStatus.PENDING:
            return "already_decided"
        client_file = uow.files.lock(client_file_id, shared=True)
        document = uow.documents.lock(document_id)
        if document is None:
            return "gone"
        if document.status is not DocumentStatus.PENDING:
            return "already_decided"
        ruling = verdict(*status_and_billing(client_file))
        if ruling.decision is Decision.DROP:
            return "dropped"
        others = uow.documents.lock_pending(client_file_id, batch_size - 1, besides=document_id)
        # Not waiting for the disk halves a gate's cost; a decision lost to a database
        # crash is made again when the sweeper resends the still-pending document.
        uow.documents.commit_without_waiting_for_disk()
        practice_id = client_file.practice_id if client_file else None
        tenant = messages.tenant_of(practice_id, client_file_id)
        _decide(uow, document, [other for other, _ in others], ruling, tenant)
        uow.revoke([gate_message for _, gate_message in others if gate_message is not None])
        uow.commit()
        return str(ruling.decision)


def _decide(
    uow: UnitOfWork,
    document: Document,
    others: list[uuid.UUID],
    ruling: Verdict,
    tenant: str,
) -> None:
    """Skip or queue the document and the batch's others; each queued one gets its own
    extraction message, sent after the commit."""
    document.updated_at = uow.clock()
    if ruling.decision is Decision.SKIP:
        document.status = DocumentStatus.SKIPPED
        document.reason = ruling.reason
    else:
        document.status = DocumentStatus.QUEUED
        document.task_id = uuid.uuid4()
        uow.enqueue(messages.extract(document.id, document.task_id, tenant))
    decide_locked(uow, others, ruling, tenant)


def decide_locked(
    uow: UnitOfWork, document_ids: list[uuid.UUID], ruling: Verdict, tenant: str
) -> None:
    """Skip or queue `pending` documents the transaction holds locked, with their file."""
    if ruling.decision is Decision.SKIP:
        uow.documents.skip_all(document_ids, str(ruling.reason))
        return
    extractions = {document_id: uuid.uuid4() for document_id in document_ids}
    uow.documents.queue_all(extractions)
    for document_id, message_id in extractions.items():
        uow.enqueue(messages.extract(document_id, message_id, tenant))


def status_and_billing(
    client_file: ClientFile | None,
) -> tuple[FileStatus | None, Billing | None]:
    if client_file is None:
        return None, None
    return client_file.status, client_file.billing
