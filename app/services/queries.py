"""What people see: a practice's My clients list, a file, its documents, the Manage menu."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain import rules
from app.domain.consequences import CONSEQUENCES
from app.domain.model import NOT_STARTED_STATUSES, Action, Actor, FileStatus, SkipReason
from app.errors import NotFound
from app.persistence.models import ClientFile, Document
from app.persistence.uow import UnitOfWork
from app.services import access


@dataclass(frozen=True, slots=True)
class FileView:
    id: uuid.UUID
    name: str
    practice_id: uuid.UUID | None
    billing: str
    status: str
    client_users: int
    documents: dict[str, int]
    # A deleted file in its grace period: when its purge starts (the deletion can be
    # cancelled until then).
    purge_after: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: uuid.UUID
    client_file_id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    status: str
    reason: str | None
    created_at: datetime
    fields: dict[str, Any] | None = None
    engine: str | None = None


@dataclass(frozen=True, slots=True)
class ActionOption:
    action: str
    allowed: bool
    reason: str | None
    message: str | None
    for_practice: tuple[str, ...]
    for_client: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
    until: datetime | None = None  # when a refusal only time lifts ends


def list_files(uow: UnitOfWork, actor: Actor, status: FileStatus) -> list[FileView]:
    with uow:
        if actor.is_staff and actor.practice_id is not None:
            files = uow.files.for_practice(actor.practice_id, status)
        else:
            files = [f for f in uow.files.for_client_user(actor.user_id) if f.status is status]
        return [_file_view(uow, client_file) for client_file in files]


def get_file(uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID) -> FileView:
    with uow:
        return _file_view(uow, access.visible_file(uow, actor, client_file_id))


def _file_view(uow: UnitOfWork, client_file: ClientFile) -> FileView:
    counts = uow.documents.count_by_status(client_file.id)
    return FileView(
        client_file.id,
        client_file.name,
        client_file.practice_id,
        str(client_file.billing),
        str(client_file.status),
        uow.files.client_user_count(client_file.id),
        {str(status): count for status, count in counts.items()},
        client_file.purge_after,
    )


def list_documents(uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID) -> list[DocumentView]:
    with uow:
        access.visible_file(uow, actor, client_file_id)
        return [_document_view(uow, doc) for doc in uow.documents.in_file(client_file_id)]


def get_document(uow: UnitOfWork, actor: Actor, document_id: uuid.UUID) -> DocumentView:
    with uow:
        return _document_view(uow, visible_document(uow, actor, document_id))


def visible_document(uow: UnitOfWork, actor: Actor, document_id: uuid.UUID) -> Document:
    """The document, if the actor may see its file; otherwise NotFound."""
    document = uow.documents.get(document_id)
    if document is None:
        raise NotFound("No such document.", document_id=document_id)
    access.visible_file(uow, actor, document.client_file_id, document_id=document_id)
    return document


def _document_view(uow: UnitOfWork, document: Document) -> DocumentView:
    extraction = uow.documents.extraction_of(document.id)
    return DocumentView(
        document.id,
        document.client_file_id,
        document.filename,
        document.content_type,
        document.size_bytes,
        str(document.status),
        document.reason,
        document.created_at,
        dict(extraction.fields) if extraction else None,
        extraction.engine if extraction else None,
    )


def available_actions(
    uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID
) -> list[ActionOption]:
    """The Manage menu: every action, whether it is allowed, why not, and what it would do."""
    with uow:
        client_file = access.visible_file(uow, actor, client_file_id)
        state = uow.files.state(client_file)
        by_status = uow.documents.count_by_status(client_file_id)
        not_started = sum(by_status.get(status, 0) for status in NOT_STARTED_STATUSES)
        total = sum(by_status.values())
        impact = {
            Action.DETACH: {"client_users_keeping_access": state.client_user_count},
            Action.DEACTIVATE: {"queued_documents_skipped": not_started},
            Action.DELETE: {"documents_deleted": total, "blobs_deleted": total},
            Action.REACTIVATE: {
                "skipped_documents_resendable": len(
                    uow.documents.skipped_for(client_file_id, SkipReason.CLIENT_FILE_DEACTIVATED)
                )
            },
        }
        options = []
        for action in Action:
            refusal = rules.refusal(action, state, actor, now=uow.clock(), policy=uow.policy)
            consequences = CONSEQUENCES[action]
            options.append(
                ActionOption(
                    str(action),
                    refusal is None,
                    refusal.reason if refusal else None,
                    refusal.message if refusal else None,
                    consequences.for_practice,
                    consequences.for_client,
                    impact.get(action, {}),
                    refusal.until if refusal else None,
                )
            )
        return options
