"""The practice's own audit log: who added, removed, disabled or enabled its staff, and
who created or revoked API tokens. Written in the transaction of the change; read by the
practice's admins. Client files' lifecycle events stay in `app.services.audit`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.audit import Cursor, CursorError, EventFilter
from app.domain.model import Actor
from app.errors import Forbidden, InvalidInput
from app.persistence.audit import PracticeEvent
from app.persistence.uow import UnitOfWork

MAX_PAGE = 500
STAFF_ADDED, STAFF_REMOVED = "staff_added", "staff_removed"
STAFF_DISABLED, STAFF_ENABLED = "staff_disabled", "staff_enabled"
TOKEN_CREATED, TOKEN_REVOKED = "token_created", "token_revoked"


@dataclass(frozen=True, slots=True)
class PracticeEventView:
    id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None  # None: the operator
    user_id: uuid.UUID | None
    token_id: uuid.UUID | None
    details: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PracticeEventPage:
    items: list[PracticeEventView]
    next_cursor: str | None


def record(
    uow: UnitOfWork,
    action: str,
    *,
    practice_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    token_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write one event in the caller's transaction."""
    uow.practice_events.add(
        PracticeEvent(
            id=uuid.uuid4(),
            practice_id=practice_id,
            actor_id=actor_id,
            action=action,
            user_id=user_id,
            token_id=token_id,
            details=details or {},
            created_at=uow.clock(),
        )
    )


def events(
    uow: UnitOfWork, actor: Actor, wanted: EventFilter, *, cursor: str | None, limit: int = 100
) -> PracticeEventPage:
    """The practice's events, oldest first, after `cursor`. The practice's admins only."""
    if not actor.is_practice_admin:
        raise Forbidden("Only an admin of the practice can read its people's log.")
    assert actor.practice_id is not None  # an admin always has a practice
    problem = wanted.problem()
    if problem is not None:
        raise InvalidInput(problem)
    try:
        after = Cursor.decode(cursor) if cursor is not None else None
    except CursorError as error:
        raise InvalidInput(str(error)) from None
    limit = max(1, min(limit, MAX_PAGE))
    with uow:
        rows = uow.practice_events.page(actor.practice_id, wanted, after=after, limit=limit + 1)
        items = [_view(row) for row in rows[:limit]]
    last = items[-1] if items and len(rows) > limit else None
    return PracticeEventPage(items, Cursor(last.created_at, last.id).encode() if last else None)


def _view(row: PracticeEvent) -> PracticeEventView:
    return PracticeEventView(
        row.id,
        row.action,
        row.actor_id,
        row.user_id,
        row.token_id,
        dict(row.details),
        row.created_at,
    )
