"""SQLAlchemy 2 models. Audit rows (events, jobs) keep ids without foreign keys so they
survive the deletion of the file they speak of."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.domain.model import Billing, DocumentStatus, FileStatus, Role

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend. SQLite keeps no offset: it would
    store 18:00+01:00 as 18:00 and hand back naive values, so everything goes in as UTC
    (values and the operands of comparisons alike) and comes back marked UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Practice(Base):
    __tablename__ = "practices"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"))
    practice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practices.id"))
    # Staff only: an admin manages the practice's staff and webhooks.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A disabled user's tokens stop working at once; the row stays for the audit.
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClientFile(Base):
    __tablename__ = "client_files"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    practice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("practices.id"), index=True)
    billing: Mapped[Billing] = mapped_column(_enum(Billing, "billing"))
    status: Mapped[FileStatus] = mapped_column(_enum(FileStatus, "file_status"))
    deactivated_at: Mapped[datetime | None]
    # A retention hold: no deletion before `hold_until`.
    hold_reason: Mapped[str | None] = mapped_column(String(500))
    hold_until: Mapped[datetime | None]
    # A deletion in its grace period (hidden, cancellable) is purged after this.
    purge_after: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ClientFileUser(Base):
    """A client user's access to a client file."""

    __tablename__ = "client_file_users"

    client_file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_files.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    invited_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("client_file_id", "sha256", name="uq_documents_file_sha256"),
        Index("ix_documents_file_status", "client_file_id", "status"),
        # Deletion walks a file's documents in id order, a batch at a time.
        Index("ix_documents_file_id", "client_file_id", "id"),
        Index("ix_documents_status_updated", "status", "updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    client_file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_files.id", ondelete="CASCADE")
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str] = mapped_column(String(300))
    status: Mapped[DocumentStatus] = mapped_column(_enum(DocumentStatus, "document_status"))
    reason: Mapped[str | None] = mapped_column(String(500))
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Extraction(Base):
    __tablename__ = "extractions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Unique: a message delivered twice still yields one extraction.
    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True
    )
    client_file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_files.id", ondelete="CASCADE"), index=True
    )
    engine: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seconds: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LifecycleJob(Base):
    """One requested lifecycle change, its progress and outcome (id = the Celery task id)."""

    __tablename__ = "lifecycle_jobs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    client_file_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str | None] = mapped_column(String(500))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class LifecycleEvent(Base):
    """Append-only audit of every lifecycle change. Holds no document content."""

    __tablename__ = "lifecycle_events"
    __table_args__ = (
        # The audit API reads a practice's events in (created_at, id) order.
        Index("ix_lifecycle_events_practice_created", "practice_id", "created_at", "id"),
        Index("ix_lifecycle_events_to_practice_created", "to_practice_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    client_file_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # The practice the file was attached to before the change, and after it: the
    # practices that may read the event.
    practice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    to_practice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    to_state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
