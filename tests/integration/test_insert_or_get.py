"""A row looked up, not found, then inserted by someone else before this insert: the unique
key decides, on PostgreSQL, and the loser gets the winner's row instead of an error. The
other transaction is made to commit exactly in that gap, so each race happens every run."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.domain.model import Action
from app.persistence.models import ClientFileUser, User, utcnow
from app.persistence.repositories import Users
from app.persistence.schedules import ScheduledAction, ScheduledActions
from app.services import admin, invitations, schedules
from tests.integration.conftest import Practice, Stack
from tests.support.consent import invitation_token, send_invitation


def after_first_call(
    monkeypatch: pytest.MonkeyPatch, owner: type, name: str, competitor: Callable[[], Any]
) -> None:
    """Let `owner.name` answer its first call, then run `competitor` (its own transaction,
    committed) before handing that answer back: the other request wins the gap."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def patched(self: Any, *args: Any, **kwargs: Any) -> Any:
        answer = original(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:
            competitor()
        return answer

    monkeypatch.setattr(owner, name, patched)


def test_a_schedule_delivered_twice_at_once_is_recorded_once(
    stack: Stack, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule_id = uuid.uuid4()

    def record() -> schedules.ScheduleView:
        return schedules.schedule(
            stack.runtime.uow(),
            client_file_id=practice.client_file_id,
            actor_id=practice.staff.user_id,
            action=Action.DEACTIVATE,
            run_at=utcnow() + timedelta(days=30),
            schedule_id=schedule_id,
        )

    # GIVEN the other delivery records the schedule just after this one looked it up
    winner: list[schedules.ScheduleView] = []
    after_first_call(monkeypatch, ScheduledActions, "get", lambda: winner.append(record()))

    # WHEN this delivery records it too
    loser = record()

    # THEN both answer the same schedule, recorded once
    assert loser == winner[0]
    rows = stack.scalar(sa.select(sa.func.count()).where(ScheduledAction.id == schedule_id))
    assert rows == 1


def test_one_new_person_accepting_two_invitations_at_once_is_one_user(
    stack: Stack, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    uow = stack.runtime.uow
    other_file = admin.create_client_file(uow(), practice.practice_id, "Garage")
    email = "new.client@client.test"
    send_invitation(uow(), other_file, practice.staff.user_id, email)
    first = invitation_token(uow(), email)
    send_invitation(uow(), practice.client_file_id, practice.staff.user_id, email)
    second = invitation_token(uow(), email)

    # GIVEN the acceptance of the invitation to another file commits in the gap
    after_first_call(monkeypatch, Users, "by_email", lambda: invitations.accept(uow(), first))

    # WHEN this acceptance goes on
    invitations.accept(uow(), second)

    # THEN there is one user, with access to both files
    user_ids = stack.rows(sa.select(User.id).where(User.email == email))
    assert len(user_ids) == 1
    access = stack.rows(
        sa.select(ClientFileUser.client_file_id).where(ClientFileUser.user_id == user_ids[0][0])
    )
    assert {row[0] for row in access} == {practice.client_file_id, other_file}
