"""Export bundles: a zip of a client file's originals and extracted data, built by a task.

Unlike the audit, an export belongs to its file (a foreign key that cascades): the bundle
holds the documents' content, so it goes when the file is deleted, and its blob lives under
the file's prefix, which the deletion sweeps."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Uuid, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.persistence.models import Base, utcnow

PENDING, BUILDING, READY, FAILED = "pending", "building", "ready", "failed"
EXPIRED = "expired"
LIVE = (PENDING, BUILDING, READY)


def export_key(client_file_id: uuid.UUID, export_id: uuid.UUID) -> str:
    return f"{client_file_id}/exports/{export_id}.zip"


class ExportBundle(Base):
    __tablename__ = "export_bundles"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    client_file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_files.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    # The practice that asked: only its staff see the export, even after a detach.
    practice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    documents_done: Mapped[int] = mapped_column(Integer, default=0)
    documents_total: Mapped[int] = mapped_column(Integer, default=0)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # When the cleanup removes the zip (DOSSIER_EXPORT_TTL_HOURS after the request).
    expires_at: Mapped[datetime | None] = mapped_column(index=True)


class ExportBundles:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, bundle: ExportBundle) -> ExportBundle:
        self.session.add(bundle)
        return bundle

    def get(self, export_id: uuid.UUID, *, lock: bool = False) -> ExportBundle | None:
        query = select(ExportBundle).where(ExportBundle.id == export_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).one_or_none()

    def file_of(self, export_id: uuid.UUID) -> uuid.UUID | None:
        query = select(ExportBundle.client_file_id).where(ExportBundle.id == export_id)
        return self.session.scalar(query)

    def record_progress(self, export_id: uuid.UUID, done: int, now: datetime) -> None:
        self.session.execute(
            update(ExportBundle)
            .where(ExportBundle.id == export_id)
            .values(documents_done=done, updated_at=now)
            .execution_options(synchronize_session=False)
        )

    def unfinished(self, stale_before: datetime, limit: int) -> Sequence[ExportBundle]:
        """Exports nobody has worked on since `stale_before`: their message was lost, or
        their worker died. Claimed so that two sweepers never resend the same one."""
        query = (
            select(ExportBundle)
            .where(
                ExportBundle.status.in_([PENDING, BUILDING]),
                ExportBundle.updated_at < stale_before,
            )
            .order_by(ExportBundle.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).all()

    def for_file(self, file_id: uuid.UUID, practice_id: uuid.UUID | None) -> Sequence[ExportBundle]:
        """The file's exports asked for by `practice_id`, newest first."""
        query = (
            select(ExportBundle)
            .where(ExportBundle.client_file_id == file_id, ExportBundle.practice_id == practice_id)
            .order_by(ExportBundle.created_at.desc())
        )
        return self.session.scalars(query).all()

    def live_count(self, file_id: uuid.UUID) -> int:
        query = select(func.count()).where(
            ExportBundle.client_file_id == file_id, ExportBundle.status.in_(LIVE)
        )
        return self.session.scalar(query) or 0

    def expired(self, now: datetime, limit: int) -> Sequence[ExportBundle]:
        """Exports past their end whose zip is still kept (a failed one has none left, but
        is marked expired too), claimed so that two cleanups never take the same one."""
        query = (
            select(ExportBundle)
            .where(ExportBundle.status != EXPIRED, ExportBundle.expires_at <= now)
            .order_by(ExportBundle.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).all()
