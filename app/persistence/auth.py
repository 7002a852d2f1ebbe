"""API access: bearer tokens (kept only as hashes) and the lifecycle requests made over
the API, recorded before their task is sent so the caller can follow the job at once."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, String, Uuid, and_, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.domain.model import Role
from app.domain.people import LAST_USE_PRECISION
from app.persistence import clock
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
    # The secret's first characters, to tell tokens apart in a list (none before 0011).
    prefix: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]  # None: never (operator tokens only)
    # Written at most once a minute per token, not on every request.
    last_used_at: Mapped[datetime | None]
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


@dataclass(frozen=True, slots=True)
class TokenOwner:
    """A usable token and the user it stands for, read in one query."""

    token_id: uuid.UUID
    last_used_at: datetime | None
    user_id: uuid.UUID
    role: Role
    practice_id: uuid.UUID | None
    is_admin: bool


class ApiTokens:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        return token

    def owner_for(self, digest: str, now: datetime) -> TokenOwner | None:
        """The token with this hash if it is neither revoked nor expired and its user is
        not disabled: one indexed query, so a revoke or a disable, committed by any
        process, holds from the next request on."""
        return self._owner(ApiToken.token_hash == digest, now)

    def owner_of(self, token_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> TokenOwner | None:
        """The same, by the token's id: a console session opened with it lives as long."""
        return self._owner(and_(ApiToken.id == token_id, ApiToken.user_id == user_id), now)

    def _owner(self, which: ColumnElement[bool], now: datetime) -> TokenOwner | None:
        query = (
            select(
                ApiToken.id,
                ApiToken.last_used_at,
                User.id,
                User.role,
                User.practice_id,
                User.is_admin,
            )
            .join(User, User.id == ApiToken.user_id)
            .where(
                which,
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
                User.disabled_at.is_(None),
            )
        )
        row = self.session.execute(query).one_or_none()
        return TokenOwner(*row) if row is not None else None

    def mark_used(self, token_id: uuid.UUID, now: datetime) -> None:
        """Write the last use, unless another request of the same minute already did."""
        self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at <= now - LAST_USE_PRECISION,
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )

    def of_user(self, user_id: uuid.UUID) -> Sequence[ApiToken]:
        """The user's tokens that are not revoked (expired ones too), newest first."""
        query = (
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id)
        )
        return self.session.scalars(query).all()

    def get(self, token_id: uuid.UUID) -> ApiToken | None:
        return self.session.get(ApiToken, token_id)

    def revoke(self, token_id: uuid.UUID, *, user_id: uuid.UUID | None = None) -> int:
        """Revoke one token (only if it is `user_id`'s, when given); 0 when none was."""
        query = update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        if user_id is not None:
            query = query.where(ApiToken.user_id == user_id)
        result = self.session.execute(query.values(revoked_at=clock.now(self.session)))
        return int(result.rowcount)  # type: ignore[attr-defined]

    def revoke_all(self, user_id: uuid.UUID, now: datetime) -> int:
        result = self.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
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
