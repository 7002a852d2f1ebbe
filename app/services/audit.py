"""The audit trail for its readers: a file's events, and every event a practice (or a
client user) may see, filtered and in pages. Who sees what is `app.domain.audit`'s rule;
events of a deleted file stay readable by the practices that saw it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement

from app.domain.audit import Cursor, CursorError, EventFilter
from app.domain.model import Actor
from app.errors import InvalidInput, NotFound
from app.persistence.audit import readable_by
from app.persistence.models import LifecycleEvent
from app.persistence.uow import UnitOfWork
from app.services import access

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class EventView:
    id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None
    practice_id: uuid.UUID | None  # attached before the change
    to_practice_id: uuid.UUID | None  # attached after it
    from_state: dict[str, Any]
    to_state: dict[str, Any]
    counts: dict[str, Any]
    job_id: uuid.UUID | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EventPage:
    items: list[EventView]
    next_cursor: str | None  # None: this was the last page for now


def view(event: LifecycleEvent) -> EventView:
    return EventView(
        event.id,
        event.client_file_id,
        event.action,
        event.actor_id,
        event.practice_id,
        event.to_practice_id,
        dict(event.from_state),
        dict(event.to_state),
        dict(event.counts),
        event.job_id,
        event.created_at,
    )


def events(
    uow: UnitOfWork, actor: Actor, wanted: EventFilter, *, cursor: str | None, limit: int = 100
) -> EventPage:
    """Every event the actor may read, oldest first, after `cursor`."""
    after = _cursor(cursor)
    problem = wanted.problem()
    if problem is not None:
        raise InvalidInput(problem)
    limit = max(1, min(limit, MAX_PAGE))
    with uow:
        audience = _audience(actor)
        rows = uow.events.page(audience, wanted, after=after, limit=limit + 1)
        items = [view(row) for row in rows[:limit]]
    more = len(rows) > limit
    last = items[-1] if items and more else None
    return EventPage(items, Cursor(last.created_at, last.id).encode() if last else None)


def file_events(
    uow: UnitOfWork,
    actor: Actor,
    client_file_id: uuid.UUID,
    wanted: EventFilter,
    *,
    cursor: str | None,
    limit: int = 100,
) -> EventPage:
    """The file's events the actor may read; NotFound, as for a file that never existed,
    when the actor can neither see the file now nor read any event of it."""
    with uow:
        visible = access.sees(actor, uow.files.get(client_file_id), in_grace=True)
        if not visible and not uow.events.any_of_file(_audience(actor), client_file_id):
            raise NotFound("No such client file.", client_file_id=client_file_id)
    scoped = replace(wanted, client_file_id=client_file_id)
    return events(uow, actor, scoped, cursor=cursor, limit=limit)


def _audience(actor: Actor) -> ColumnElement[bool]:
    # Staff without a practice (removed from it) read nothing: an empty set of files.
    if actor.is_staff:
        return readable_by(actor.practice_id, frozenset())
    return readable_by(None, actor.client_file_ids)


def _cursor(cursor: str | None) -> Cursor | None:
    if cursor is None:
        return None
    try:
        return Cursor.decode(cursor)
    except CursorError as problem:
        raise InvalidInput(str(problem)) from None
