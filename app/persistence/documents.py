"""Queries on documents and their extractions. Lock order, as everywhere: the client file
first, then documents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from app.domain.model import NOT_STARTED_STATUSES, DocumentStatus, FileStatus
from app.persistence import clock
from app.persistence.models import ClientFile, Document, Extraction


class Documents:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, document: Document) -> Document:
        self.session.add(document)
        return document

    def get(self, document_id: uuid.UUID) -> Document | None:
        return self.session.get(Document, document_id)

    def file_id_of(self, document_id: uuid.UUID) -> uuid.UUID | None:
        query = select(Document.client_file_id).where(Document.id == document_id)
        return self.session.scalar(query)

    def lock(self, document_id: uuid.UUID) -> Document | None:
        query = (
            select(Document)
            .where(Document.id == document_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(query).one_or_none()

    def commit_without_waiting_for_disk(self) -> None:
        """Let this transaction's commit return before its WAL is on disk (PostgreSQL).

        Only for gate decisions: a database crash can lose the last fraction of a second of
        them, which leaves those documents `pending` (an extraction message already sent
        finds nothing to claim) until the sweeper sends their gate again. Never for lifecycle
        changes, claims or results. A later durable commit flushes every earlier one.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SET LOCAL synchronous_commit TO OFF"))

    def file_and_status(self, document_id: uuid.UUID) -> tuple[uuid.UUID, DocumentStatus] | None:
        """Read without a lock: enough to see that a decision was made, never to make one."""
        query = select(Document.client_file_id, Document.status).where(Document.id == document_id)
        row = self.session.execute(query).first()
        return None if row is None else (row[0], row[1])

    def lock_pending(
        self, file_id: uuid.UUID, limit: int, *, besides: uuid.UUID
    ) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
        """Up to `limit` more of the file's `pending` documents, `besides` excluded, locked
        FOR UPDATE: (id, gate message id). Rows another transaction holds are skipped,
        never waited for, so two gates of one file share its backlog without blocking.

        The caller holds the file row already (lock order: file, then documents).
        """
        if limit <= 0:
            return []
        query = (
            select(Document.id, Document.task_id)
            .where(
                Document.client_file_id == file_id,
                Document.status == DocumentStatus.PENDING,
                Document.id != besides,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [(row.id, row.task_id) for row in self.session.execute(query)]

    def files_waiting_longest(self, limit: int) -> dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]]:
        """Files (not being deleted) of the `limit` pending documents that have waited
        longest, oldest first, each with its oldest one (document id, gate message id).
        Read without a lock, to choose what to lock."""
        query = (
            select(Document.client_file_id, Document.id, Document.task_id)
            .join(ClientFile, ClientFile.id == Document.client_file_id)
            .where(
                Document.status == DocumentStatus.PENDING,
                ClientFile.status != FileStatus.DELETING,
            )
            .order_by(Document.updated_at)
            .limit(limit)
        )
        oldest: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
        for file_id, document_id, task_id in self.session.execute(query):
            oldest.setdefault(file_id, (document_id, task_id or document_id))
        return oldest

    def lock_pending_of(
        self, file_ids: Sequence[uuid.UUID], limit: int
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """Up to `limit` pending documents of these files, oldest first, locked FOR UPDATE
        SKIP LOCKED: (document id, file id). The caller holds the files' rows already."""
        if not file_ids or limit <= 0:
            return []
        query = (
            select(Document.id, Document.client_file_id)
            .where(Document.client_file_id.in_(file_ids), Document.status == DocumentStatus.PENDING)
            .order_by(Document.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [(row.id, row.client_file_id) for row in self.session.execute(query)]

    def skip_all(self, document_ids: Sequence[uuid.UUID], reason: str) -> None:
        """Decide locked `pending` documents as skipped, in one statement."""
        if document_ids:
            self.session.connection().execute(
                update(Document)
                .where(Document.id.in_(document_ids))
                .values(
                    status=DocumentStatus.SKIPPED, reason=reason, updated_at=clock.now(self.session)
                )
            )

    def queue_all(self, task_ids: dict[uuid.UUID, uuid.UUID]) -> None:
        """Decide locked `pending` documents as queued, each under its extraction message
        id (document id -> message id)."""
        if not task_ids:
            return
        now = clock.now(self.session)
        self.session.connection().execute(
            update(Document)
            .where(Document.id == bindparam("document_id"))
            .values(status=DocumentStatus.QUEUED, task_id=bindparam("message_id"), updated_at=now),
            [
                {"document_id": document_id, "message_id": message_id}
                for document_id, message_id in task_ids.items()
            ],
        )

    def by_hash(self, file_id: uuid.UUID, sha256: str) -> Document | None:
        query = select(Document).where(
            Document.client_file_id == file_id, Document.sha256 == sha256
        )
        return self.session.scalars(query).one_or_none()

    def in_file(self, file_id: uuid.UUID) -> Sequence[Document]:
        query = (
            select(Document)
            .where(Document.client_file_id == file_id)
            .order_by(Document.created_at, Document.id)
        )
        return self.session.scalars(query).all()

    def ids_in_file(self, file_id: uuid.UUID) -> list[uuid.UUID]:
        """The file's document ids, oldest first."""
        query = (
            select(Document.id)
            .where(Document.client_file_id == file_id)
            .order_by(Document.created_at, Document.id)
        )
        return list(self.session.scalars(query))

    def with_extractions(
        self, document_ids: Sequence[uuid.UUID]
    ) -> list[tuple[Document, Extraction | None]]:
        """These documents (those still there) with their extraction, if any, in one
        query, in the order of `document_ids`."""
        query = (
            select(Document, Extraction)
            .outerjoin(Extraction, Extraction.document_id == Document.id)
            .where(Document.id.in_(document_ids))
        )
        found = {row[0].id: (row[0], row[1]) for row in self.session.execute(query)}
        return [found[document_id] for document_id in document_ids if document_id in found]

    def count_by_status(self, file_id: uuid.UUID) -> dict[DocumentStatus, int]:
        query = (
            select(Document.status, func.count())
            .where(Document.client_file_id == file_id)
            .group_by(Document.status)
        )
        return {row[0]: row[1] for row in self.session.execute(query)}

    def skip_not_started(self, file_id: uuid.UUID, reason: str) -> list[uuid.UUID]:
        """Mark every document whose extraction has not started as skipped, in one
        statement; return the task ids of the messages that are now pointless."""
        statement = (
            update(Document)
            .where(
                Document.client_file_id == file_id,
                Document.status.in_(NOT_STARTED_STATUSES),
            )
            .values(
                status=DocumentStatus.SKIPPED, reason=reason, updated_at=clock.now(self.session)
            )
            .returning(Document.task_id)
        )
        # A Core statement on the session's connection: a big file returns its task ids
        # without the ORM's per-row bookkeeping (no object here is loaded or changed).
        rows = self.session.connection().execute(statement).scalars()
        return [task_id for task_id in rows if task_id is not None]

    def skipped_for(self, file_id: uuid.UUID, reason: str) -> Sequence[uuid.UUID]:
        query = select(Document.id).where(
            Document.client_file_id == file_id,
            Document.status == DocumentStatus.SKIPPED,
            Document.reason == reason,
        )
        return self.session.scalars(query).all()

    def resend(self, document_id: uuid.UUID, task_id: uuid.UUID) -> None:
        """Put a document back in front of the gatekeeper under a new message id."""
        self.session.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(
                status=DocumentStatus.PENDING,
                reason=None,
                task_id=task_id,
                updated_at=clock.now(self.session),
            )
        )

    def stale(self, stale_before: datetime, limit: int) -> Sequence[Document]:
        """Non-terminal documents nobody has touched since `stale_before`, claimed so that
        two sweepers never pick the same rows."""
        query = (
            select(Document)
            .join(ClientFile, ClientFile.id == Document.client_file_id)
            .where(
                Document.status.in_(
                    [DocumentStatus.PENDING, DocumentStatus.QUEUED, DocumentStatus.EXTRACTING]
                ),
                Document.updated_at < stale_before,
                # A file being deleted drops its documents; resending them is wasted work.
                ClientFile.status != FileStatus.DELETING,
            )
            .order_by(Document.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Document)
        )
        return self.session.scalars(query).all()

    def batch_end(
        self, file_id: uuid.UUID, limit: int, after: uuid.UUID | None = None
    ) -> uuid.UUID | None:
        """The id of the file's `limit`-th document in id order above `after`, or None
        when fewer are left: a walk of the file's index that returns one row, so a batch
        is a range of ids and no list of them travels to the database and back."""
        query = (
            select(Document.id)
            .where(Document.client_file_id == file_id)
            .order_by(Document.id)
            .offset(limit - 1)
            .limit(1)
        )
        if after is not None:
            query = query.where(Document.id > after)
        return self.session.scalar(query)

    def delete_range(
        self, file_id: uuid.UUID, after: uuid.UUID | None, last: uuid.UUID | None
    ) -> tuple[int, int]:
        """Delete the file's documents with ids in (after, last] (no bound where None)
        and their extractions; return (documents, extractions)."""
        documents = [Document.client_file_id == file_id]
        extractions = [Extraction.client_file_id == file_id]
        if after is not None:
            documents.append(Document.id > after)
            extractions.append(Extraction.document_id > after)
        if last is not None:
            documents.append(Document.id <= last)
            extractions.append(Extraction.document_id <= last)
        connection = self.session.connection()
        removed_extractions = connection.execute(delete(Extraction).where(*extractions))
        removed_documents = connection.execute(delete(Document).where(*documents))
        return removed_documents.rowcount, removed_extractions.rowcount

    def add_extraction(self, extraction: Extraction) -> None:
        self.session.add(extraction)

    def extraction_of(self, document_id: uuid.UUID) -> Extraction | None:
        query = select(Extraction).where(Extraction.document_id == document_id)
        return self.session.scalars(query).one_or_none()
