"""Queries of retries and resends: a file's failed or skipped documents, put back in
front of the gatekeeper. The caller holds the file's row lock (lock order: file first)."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.domain.model import DocumentStatus
from app.persistence import clock
from app.persistence.models import Document


class Retries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ids_in(self, file_id: uuid.UUID, status: DocumentStatus) -> list[uuid.UUID]:
        """The file's documents in `status`, oldest first."""
        query = (
            select(Document.id)
            .where(Document.client_file_id == file_id, Document.status == status)
            .order_by(Document.created_at, Document.id)
        )
        return list(self.session.scalars(query))

    def reset(self, gate_messages: dict[uuid.UUID, uuid.UUID]) -> None:
        """Make documents `pending` again, each under its new gate message id (document id
        -> message id), with their attempts counted afresh: a retry is a new start."""
        if not gate_messages:
            return
        self.session.connection().execute(
            update(Document)
            .where(Document.id == bindparam("document_id"))
            .values(
                status=DocumentStatus.PENDING,
                reason=None,
                task_id=bindparam("message_id"),
                attempts=0,
                started_at=None,
                finished_at=None,
                updated_at=clock.now(self.session),
            ),
            [
                {"document_id": document_id, "message_id": message_id}
                for document_id, message_id in gate_messages.items()
            ],
        )
