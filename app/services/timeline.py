"""What the console's pages say about people and history: who is signed in, and a client
file's history as its reader may read it (the audit trail's own rule, `audit.file_events`),
newest first, with who acted by name."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.audit import EventFilter
from app.domain.model import Actor, Role
from app.persistence.uow import UnitOfWork
from app.services import audit

MOST_SHOWN = 200


@dataclass(frozen=True, slots=True)
class EventLine:
    action: str
    at: datetime
    actor_name: str | None
    from_state: dict[str, Any] = field(default_factory=dict)
    to_state: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)


def timeline(uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID) -> list[EventLine]:
    """The latest events first, at most MOST_SHOWN."""
    events: list[audit.EventView] = []
    cursor: str | None = None
    while True:
        page = audit.file_events(
            uow, actor, client_file_id, EventFilter(), cursor=cursor, limit=audit.MAX_PAGE
        )
        events = (events + page.items)[-MOST_SHOWN:]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    with uow:
        names = _names(uow, {event.actor_id for event in events if event.actor_id})
    return [
        EventLine(
            event.action,
            event.created_at,
            names.get(event.actor_id) if event.actor_id else None,
            event.from_state,
            event.to_state,
            event.counts,
        )
        for event in reversed(events)
    ]


def _names(uow: UnitOfWork, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    found = (uow.users.get(user_id) for user_id in user_ids)
    return {user.id: user.name for user in found if user is not None}


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    is_staff: bool
    practice_name: str | None


def person(uow: UnitOfWork, user_id: uuid.UUID) -> Person | None:
    """Who is signed in, as the console's header names them."""
    with uow:
        user = uow.users.get(user_id)
        if user is None:
            return None
        practice = uow.users.practice(user.practice_id) if user.practice_id else None
        is_staff = user.role is Role.STAFF
        return Person(user.name, user.email, is_staff, practice.name if practice else None)
