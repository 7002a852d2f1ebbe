"""Idempotency keys: the first answer to a request sent with an `Idempotency-Key`, kept for
a retention window so that the same request sent again gets that answer, not a second
effect. One row per (owner, key): the unique constraint decides between two requests
carrying the same key at the same moment."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint, Uuid, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.persistence.db import insert_or_get
from app.persistence.models import Base, utcnow


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_keys_owner_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Whose key: "token:<hash of the API token>" or "actor:<user id>" (Celery callers).
    owner: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(255))
    # A hash of the request (method, path, body): the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The first answer, as the service returned it; the edge renders it again identically.
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class IdempotencyKeys:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, owner: str, key: str) -> IdempotencyRecord | None:
        query = select(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
        )
        return self.session.scalars(query).one_or_none()

    def add_unless_present(self, record: IdempotencyRecord) -> tuple[IdempotencyRecord, bool]:
        """Insert the record, or return the one another request with the same key
        inserted first (waiting for that request's transaction to end)."""
        return insert_or_get(self.session, record, lambda: self.find(record.owner, record.key))

    def remove(self, owner: str, key: str) -> None:
        self.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.owner == owner, IdempotencyRecord.key == key
            )
        )

    def delete_expired(self, now: datetime, limit: int) -> int:
        expired = (
            select(IdempotencyRecord.id)
            .where(IdempotencyRecord.expires_at <= now)
            .order_by(IdempotencyRecord.expires_at)
            .limit(limit)
        )
        ids = list(self.session.scalars(expired))
        if ids:
            self.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(ids)))
        return len(ids)
