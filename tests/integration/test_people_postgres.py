"""On PostgreSQL: audit pages in (created_at, id) order without repeat or gap, read by
the practices of their time; a disabled user's token refused by the one-query check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.domain.audit import EventFilter
from app.persistence.models import LifecycleEvent
from app.services import admin, audit, staff, tokens
from tests.integration.conftest import Practice, Stack

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def test_pages_of_events_on_postgresql(stack: Stack, practice: Practice) -> None:
    other = admin.create_practice(stack.runtime.uow(), "Next practice")
    file_id = practice.client_file_id
    plan = [(practice.practice_id, practice.practice_id)] * 5 + [(practice.practice_id, None)]
    plan += [(None, other), (other, other)]
    with stack.runtime.uow() as uow:
        for n, (before, after) in enumerate(plan):
            uow.lifecycle.add_event(
                LifecycleEvent(
                    id=uuid.uuid4(),
                    client_file_id=file_id,
                    practice_id=before,
                    action="retry",
                    from_state={},
                    to_state={"practice_id": str(after) if after else None},
                    # Three events share each instant: the id breaks the tie.
                    created_at=T0 + timedelta(seconds=n // 3),
                )
            )
        uow.commit()

    read: list[uuid.UUID] = []
    cursor = None
    while True:
        page = audit.events(
            stack.runtime.uow(), practice.staff, EventFilter(), cursor=cursor, limit=2
        )
        read += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break

    with stack.runtime.uow() as uow:
        ordered = sorted(uow.lifecycle.events_for(file_id), key=lambda e: (e.created_at, e.id))
        expected = [
            e.id for e in ordered if practice.practice_id in (e.practice_id, e.to_practice_id)
        ]
    assert read == expected
    assert len(read) == 6


def test_a_disabled_users_token_is_refused_on_postgresql(stack: Stack, practice: Practice) -> None:
    email = f"gone-{uuid.uuid4().hex[:6]}@practice.test"
    user = admin.create_staff_user(stack.runtime.uow(), practice.practice_id, "Gone", email)
    secret = tokens.issue(stack.runtime.uow(), user).secret
    assert tokens.actor_for(stack.runtime.uow(), secret) is not None

    staff.set_disabled(stack.runtime.uow(), email, True)

    assert tokens.actor_for(stack.runtime.uow(), secret) is None
