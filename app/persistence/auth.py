"""API access: bearer tokens (kept only as hashes) and the lifecycle requests made over
the API, recorded before their task is sent so the caller can follow the job at once."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Uuid, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.persistence.models import Base, LifecycleJob, User, utcnow


def token_hash(secret: str) -> str:
    # Tokens are long random strings, so a plain digest is enough: nothing to brute-force.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class LifecycleRequest(Base):
    """A lifecycle change accepted by the API and sent to the workers. The job row itself
    is written by the task; until then this row says the job exists and is pending.
    Like the audit, it keeps ids without foreign keys so it outlives a deleted file."""

    __tablename__ = "lifecycle_requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    client_file_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiTokens:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        return token

    def user_for(self, digest: str) -> User | None:
        """The user of an unrevoked token, in one query."""
        query = (
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
        )
        return self.session.scalar(query)

    def revoke(self, token_id: uuid.UUID) -> int:
        result = self.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class LifecycleRequests:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: LifecycleRequest) -> LifecycleRequest:
        self.session.add(request)
        return request

    def get(self, request_id: uuid.UUID) -> LifecycleRequest | None:
        return self.session.get(LifecycleRequest, request_id)

    def unclaimed(self, created_before: datetime, limit: int) -> Sequence[LifecycleRequest]:
        """Requests no worker has recorded a job for: their message may have been lost."""
        query = (
            select(LifecycleRequest)
            .outerjoin(LifecycleJob, LifecycleJob.id == LifecycleRequest.id)
            .where(LifecycleJob.id.is_(None), LifecycleRequest.created_at < created_before)
            .order_by(LifecycleRequest.created_at)
            .limit(limit)
        )
        return self.session.scalars(query).all()

    def remove(self, request_id: uuid.UUID) -> None:
        request = self.get(request_id)
        if request is not None:
            self.session.delete(request)
