"""A practice's staff, managed by its admins: list, add, remove, disable and enable; and
the operator's disabling of any user. A disabled user's tokens stop at the next request,
in every web process: the token check reads the user's state in the same query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.model import Actor
from app.domain.people import Person, StaffChange, staff_refusal
from app.domain.rules import Refusal
from app.errors import Forbidden, NotFound
from app.persistence.models import User
from app.persistence.uow import UnitOfWork
from app.services import admin, idempotency, practice_events, tokens
from app.services.idempotency import Answered, KeyClaim

_CHANGES = {
    StaffChange.REMOVE: practice_events.STAFF_REMOVED,
    StaffChange.DISABLE: practice_events.STAFF_DISABLED,
    StaffChange.ENABLE: practice_events.STAFF_ENABLED,
}


@dataclass(frozen=True, slots=True)
class StaffView:
    id: uuid.UUID
    name: str
    email: str
    is_admin: bool
    disabled_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AddedStaff:
    member: StaffView
    # A first token, so the new member can sign in and make their own; it expires.
    token: tokens.IssuedToken


def view(user: User) -> StaffView:
    return StaffView(
        user.id, user.name, user.email, user.is_admin, user.disabled_at, user.created_at
    )


def list_staff(uow: UnitOfWork, actor: Actor) -> list[StaffView]:
    """The practice's staff, disabled members included. Any member of the staff."""
    if not actor.is_staff or actor.practice_id is None:
        raise Forbidden("Only practice staff can see the practice's staff.")
    with uow:
        return [view(user) for user in uow.users.staff_of(actor.practice_id)]


def add(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    email: str,
    is_admin: bool = False,
    lifetime: tokens.Lifetime | None = None,
) -> AddedStaff:
    _raise(staff_refusal(actor, StaffChange.ADD, None), None)
    assert actor.practice_id is not None  # an admin always has a practice
    user_id = admin.create_staff_user(uow, actor.practice_id, name, email, is_admin=is_admin)
    lifetime = lifetime or tokens.Lifetime()
    expiry = uow.clock() + lifetime.default
    first = tokens.issue(uow, user_id, "first sign-in", expires_at=expiry, by=actor.user_id)
    with uow:
        user = uow.users.get(user_id)
        assert user is not None
        practice_events.record(
            uow,
            practice_events.STAFF_ADDED,
            practice_id=actor.practice_id,
            actor_id=actor.user_id,
            user_id=user.id,
            details={"is_admin": user.is_admin},
        )
        uow.commit()
        return AddedStaff(view(user), first)


def change(uow: UnitOfWork, actor: Actor, user_id: uuid.UUID, what: StaffChange) -> StaffView:
    """Remove (the person leaves the practice, every token revoked), disable (tokens stop,
    until enabled again) or enable a member of the actor's practice's staff."""
    return change_once(uow, None, actor, user_id, what).value


def change_once(
    uow: UnitOfWork, claim: KeyClaim | None, actor: Actor, user_id: uuid.UUID, what: StaffChange
) -> Answered[StaffView]:
    """`change`, once per idempotency key: a removal sent again gets the first answer,
    not the 404 of someone no longer on the staff."""
    return idempotency.answered(uow, claim, StaffView, lambda: _change(uow, actor, user_id, what))


def _change(uow: UnitOfWork, actor: Actor, user_id: uuid.UUID, what: StaffChange) -> StaffView:
    user = uow.users.get(user_id)
    target = None if user is None else _person(user)
    _raise(staff_refusal(actor, what, target), user_id)
    assert user is not None
    now = uow.clock()
    details = {}
    if what is StaffChange.REMOVE:
        details["tokens_revoked"] = uow.tokens.revoke_all(user.id, now)
        user.practice_id, user.is_admin = None, False
    user.disabled_at = None if what is StaffChange.ENABLE else (user.disabled_at or now)
    practice_events.record(
        uow,
        _CHANGES[what],
        practice_id=actor.practice_id,
        actor_id=actor.user_id,
        user_id=user.id,
        details=details,
    )
    return view(user)


def set_disabled(uow: UnitOfWork, email: str, disabled: bool) -> uuid.UUID:
    """The operator's switch, for any user (staff or client)."""
    with uow:
        user = uow.users.by_email(email.strip().lower())
        if user is None:
            raise NotFound("No user with this e-mail address.")
        user.disabled_at = (user.disabled_at or uow.clock()) if disabled else None
        practice_events.record(
            uow,
            practice_events.STAFF_DISABLED if disabled else practice_events.STAFF_ENABLED,
            practice_id=user.practice_id,
            actor_id=None,
            user_id=user.id,
            details={"by": "operator"},
        )
        uow.commit()
        return user.id


def _person(user: User) -> Person:
    return Person(user.id, user.role, user.practice_id, user.disabled_at is not None)


def _raise(refusal: Refusal | None, user_id: uuid.UUID | None) -> None:
    if refusal is None:
        return
    if refusal.reason == "not_found":
        raise NotFound(refusal.message, user_id=user_id)
    raise Forbidden(refusal.message, reason=refusal.reason, user_id=user_id)
