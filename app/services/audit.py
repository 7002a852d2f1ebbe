"""The audit timeline of a client file, as the console shows it: what happened, when, by
whom, from which state to which, with its counts. Practice staff see the events of their
own practice's time with the file (never a former practice's); client users see all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.model import Actor, Role
from app.persistence.models import LifecycleEvent
from app.persistence.uow import UnitOfWork
from app.services.queries import visible_file


@dataclass(frozen=True, slots=True)
class EventView:
    action: str
    at: datetime
    actor_name: str | None
    from_state: dict[str, Any] = field(default_factory=dict)
    to_state: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)


def timeline(uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID) -> list[EventView]:
    """Newest first."""
    with uow:
        visible_file(uow, actor, client_file_id)
        events = uow.lifecycle.events_for(client_file_id)
        if actor.is_staff:
            events = [event for event in events if _in_practice_time(event, actor)]
        names = _names(uow, {event.actor_id for event in events if event.actor_id})
        return [
            EventView(
                event.action,
                event.created_at,
                names.get(event.actor_id) if event.actor_id else None,
                dict(event.from_state),
                dict(event.to_state),
                dict(event.counts),
            )
            for event in reversed(events)
        ]


def _in_practice_time(event: LifecycleEvent, actor: Actor) -> bool:
    # An event is recorded under the practice the file had before it; the attach that
    # brought the file in belongs to the practice it was attached to.
    ours = str(actor.practice_id)
    return str(event.practice_id) == ours or event.to_state.get("practice_id") == ours


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
