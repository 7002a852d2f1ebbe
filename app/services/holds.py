"""Retention holds: a per-file flag, with a reason and an end date, that refuses the
file's deletion until it ends (a tax audit, a dispute, a legal retention period)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain import instants, rules, text
from app.domain.model import Actor
from app.errors import ActionRefused, InvalidInput
from app.persistence.models import ClientFile, LifecycleEvent
from app.persistence.uow import UnitOfWork
from app.services import access, idempotency
from app.services.idempotency import Answered, KeyClaim
from app.services.lifecycle import state_dict


@dataclass(frozen=True, slots=True)
class HoldView:
    client_file_id: uuid.UUID
    reason: str | None
    until: datetime | None
    active: bool


def place(
    uow: UnitOfWork,
    *,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    reason: str,
    until: datetime,
) -> HoldView:
    """Place (or replace) the file's hold. The end date must be in the future."""
    return place_once(uow, None, client_file_id, actor_id, reason, until).value


def place_once(
    uow: UnitOfWork,
    claim: KeyClaim | None,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    reason: str,
    until: datetime,
) -> Answered[HoldView]:
    """`place`, once per idempotency key: sent again, one audit event."""
    try:
        reason = text.checked(reason, max_length=500, what="The reason")
    except text.TextError as problem:
        raise InvalidInput(f"{problem} Say why the file is held (e.g. tax audit 2027).") from None
    try:
        until = instants.to_utc(until)
    except instants.InstantError as problem:
        raise InvalidInput(str(problem)) from None

    def work() -> HoldView:
        client_file, actor = _authorise(uow, client_file_id, actor_id)
        if until <= uow.clock():
            raise InvalidInput("The hold must end in the future.", until=until.isoformat())
        _change(uow, client_file, actor, "retention_hold", reason, until)
        return view(uow, client_file)

    return idempotency.answered(uow, claim, HoldView, work)


def release(uow: UnitOfWork, *, client_file_id: uuid.UUID, actor_id: uuid.UUID) -> HoldView:
    """Lift the hold before its end date. Releasing a file with no hold changes nothing."""
    return release_once(uow, None, client_file_id, actor_id).value


def release_once(
    uow: UnitOfWork, claim: KeyClaim | None, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> Answered[HoldView]:
    def work() -> HoldView:
        client_file, actor = _authorise(uow, client_file_id, actor_id)
        if client_file.hold_until is not None:
            _change(uow, client_file, actor, "retention_hold_released", None, None)
        return view(uow, client_file)

    return idempotency.answered(uow, claim, HoldView, work)


def show(uow: UnitOfWork, *, client_file_id: uuid.UUID, actor: Actor) -> HoldView:
    with uow:
        return view(uow, access.visible_file(uow, actor, client_file_id))


def view(uow: UnitOfWork, client_file: ClientFile) -> HoldView:
    until = client_file.hold_until
    active = until is not None and until > uow.clock()
    return HoldView(client_file.id, client_file.hold_reason, until, active)


def _authorise(
    uow: UnitOfWork, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> tuple[ClientFile, Actor]:
    actor = uow.users.actor(actor_id)
    client_file = access.visible_file(uow, actor, client_file_id, lock="update", in_grace=True)
    assert actor is not None  # visible_file found no file for a missing actor
    refusal = rules.hold_refusal(uow.files.state(client_file), actor)
    if refusal is not None:
        raise ActionRefused(refusal.message, reason=refusal.reason, client_file_id=client_file_id)
    return client_file, actor


def _change(
    uow: UnitOfWork,
    client_file: ClientFile,
    actor: Actor,
    action: str,
    reason: str | None,
    until: datetime | None,
) -> None:
    before = uow.files.state(client_file)
    client_file.hold_reason, client_file.hold_until = reason, until
    client_file.updated_at = uow.clock()
    after = {**state_dict(before), "hold_reason": reason, "hold_until": until and until.isoformat()}
    uow.lifecycle.add_event(
        LifecycleEvent(
            client_file_id=client_file.id,
            practice_id=before.practice_id,
            actor_id=actor.user_id,
            action=action,
            from_state={
                **state_dict(before),
                "hold_reason": before.hold_reason,
                "hold_until": before.hold_until and before.hold_until.isoformat(),
            },
            to_state=after,
        )
    )
