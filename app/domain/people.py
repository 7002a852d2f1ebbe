"""Rules about people: who may manage a practice's staff, and the life of an API token."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.model import Actor, Role
from app.domain.rules import Refusal

TOKEN_PREFIX = "dos_"
# What a token list shows of a secret: enough to tell tokens apart, never enough to use.
SHOWN_PREFIX_LENGTH = 12
# A token's last use is written at most this often: not a write per request.
LAST_USE_PRECISION = timedelta(minutes=1)

NOT_FOUND = "not_found"


class StaffChange(enum.StrEnum):
    ADD = "add"
    REMOVE = "remove"
    DISABLE = "disable"
    ENABLE = "enable"


@dataclass(frozen=True, slots=True)
class Person:
    """What the staff rules need to know about the user a change is about."""

    user_id: uuid.UUID
    role: Role
    practice_id: uuid.UUID | None
    disabled: bool = False


_ADMINS_ONLY = Refusal("practice_admin_only", "Only an admin of the practice can manage its staff.")
_NOT_STAFF = Refusal(NOT_FOUND, "No such member of your practice's staff.")
_NOT_YOURSELF = Refusal(
    "not_yourself",
    "You cannot remove or disable yourself; ask another admin of the practice.",
)
_ALREADY = {
    StaffChange.DISABLE: Refusal("already_disabled", "This person is already disabled."),
    StaffChange.ENABLE: Refusal("not_disabled", "This person is not disabled."),
}


def staff_refusal(actor: Actor, change: StaffChange, target: Person | None) -> Refusal | None:
    """Why `actor` may not make `change` to `target` (None: nobody, for ADD), or None.

    Only a practice's admins manage its staff, and never themselves: so every practice
    keeps at least one admin who can sign in. A person who is not staff of the actor's
    practice is `not_found`, whoever they are."""
    if not actor.is_practice_admin:
        return _ADMINS_ONLY
    if change is StaffChange.ADD:
        return None
    if target is None or target.role is not Role.STAFF or target.practice_id != actor.practice_id:
        return _NOT_STAFF
    if target.user_id == actor.user_id:
        return _NOT_YOURSELF
    if change is StaffChange.DISABLE and target.disabled:
        return _ALREADY[change]
    if change is StaffChange.ENABLE and not target.disabled:
        return _ALREADY[change]
    return None


def shown_prefix(secret: str) -> str:
    return secret[:SHOWN_PREFIX_LENGTH]


class ExpiryError(ValueError):
    """An expiry a token cannot have; the message says why."""


def token_expiry(
    now: datetime, requested: datetime | None, *, default: timedelta, longest: timedelta
) -> datetime:
    """When a new personal token stops working: the time asked for, or `default` from now;
    never in the past, never further than `longest` from now."""
    expires = requested if requested is not None else now + default
    if expires <= now:
        raise ExpiryError("A token's expiry must be in the future.")
    if expires > now + longest:
        raise ExpiryError(f"A token can be valid for at most {longest.days} days.")
    return expires


def is_usable(revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> bool:
    return revoked_at is None and (expires_at is None or expires_at > now)


def last_use_is_stale(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether this use should be written down: at most once per LAST_USE_PRECISION."""
    return last_used_at is None or now - last_used_at >= LAST_USE_PRECISION
