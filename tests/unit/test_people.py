"""Staff rules and token lifetimes, written from the issue's text: only a practice's
admins manage its staff, never themselves; tokens expire when asked, within bounds; the
last use is written at most once a minute."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import people
from app.domain.model import Actor, Role
from app.domain.people import Person, StaffChange, staff_refusal
from app.domain.rules import Refusal

PRACTICE = uuid.UUID("00000000-0000-0000-0000-00000000a001")
OTHER = uuid.UUID("00000000-0000-0000-0000-00000000a002")
ADMIN = Actor(uuid.uuid4(), Role.STAFF, PRACTICE, is_admin=True)
MEMBER = Actor(uuid.uuid4(), Role.STAFF, PRACTICE)
CLIENT = Actor(uuid.uuid4(), Role.CLIENT, None, frozenset({uuid.uuid4()}), is_admin=True)
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def reason(refusal: Refusal | None) -> str | None:
    return refusal.reason if refusal is not None else None


def colleague(**changes: object) -> Person:
    fields: dict[str, object] = {
        "user_id": uuid.uuid4(),
        "role": Role.STAFF,
        "practice_id": PRACTICE,
        "disabled": False,
    }
    fields.update(changes)
    return Person(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("change", list(StaffChange))
@pytest.mark.parametrize("actor", [MEMBER, CLIENT], ids=["staff", "client"])
def test_only_admins_manage_staff(actor: Actor, change: StaffChange) -> None:
    refusal = staff_refusal(actor, change, colleague(disabled=change is StaffChange.ENABLE))

    assert reason(refusal) == "practice_admin_only"


@pytest.mark.parametrize(
    "target",
    [
        None,
        colleague(practice_id=OTHER),
        colleague(role=Role.CLIENT, practice_id=None),
        colleague(practice_id=None),
    ],
    ids=["nobody", "other practice", "client user", "removed staff"],
)
@pytest.mark.parametrize("change", [StaffChange.REMOVE, StaffChange.DISABLE, StaffChange.ENABLE])
def test_anyone_but_the_practices_staff_is_not_found(
    change: StaffChange, target: Person | None
) -> None:
    refusal = staff_refusal(ADMIN, change, target)

    assert reason(refusal) == people.NOT_FOUND


@pytest.mark.parametrize("change", [StaffChange.REMOVE, StaffChange.DISABLE])
def test_an_admin_cannot_remove_or_disable_themselves(change: StaffChange) -> None:
    refusal = staff_refusal(ADMIN, change, colleague(user_id=ADMIN.user_id))

    assert reason(refusal) == "not_yourself"


def test_an_admin_adds_removes_disables_and_enables_a_colleague() -> None:
    assert staff_refusal(ADMIN, StaffChange.ADD, None) is None
    assert staff_refusal(ADMIN, StaffChange.REMOVE, colleague()) is None
    assert staff_refusal(ADMIN, StaffChange.REMOVE, colleague(disabled=True)) is None
    assert staff_refusal(ADMIN, StaffChange.DISABLE, colleague()) is None
    assert staff_refusal(ADMIN, StaffChange.ENABLE, colleague(disabled=True)) is None


def test_disabling_twice_or_enabling_an_enabled_colleague_is_refused() -> None:
    twice = staff_refusal(ADMIN, StaffChange.DISABLE, colleague(disabled=True))
    enabled = staff_refusal(ADMIN, StaffChange.ENABLE, colleague())

    assert reason(twice) == "already_disabled"
    assert reason(enabled) == "not_disabled"


def test_an_admin_without_a_practice_is_no_admin() -> None:
    stray = Actor(uuid.uuid4(), Role.STAFF, None, is_admin=True)

    assert not stray.is_practice_admin
    assert staff_refusal(stray, StaffChange.ADD, None) is not None


DEFAULT, LONGEST = timedelta(days=90), timedelta(days=366)


def test_a_token_without_an_expiry_gets_the_default() -> None:
    assert people.token_expiry(NOW, None, default=DEFAULT, longest=LONGEST) == NOW + DEFAULT


@given(st.integers(min_value=1, max_value=int(LONGEST.total_seconds())))
def test_any_expiry_within_bounds_is_kept(seconds: int) -> None:
    asked = NOW + timedelta(seconds=seconds)

    assert people.token_expiry(NOW, asked, default=DEFAULT, longest=LONGEST) == asked


@pytest.mark.parametrize(
    "asked", [NOW, NOW - timedelta(seconds=1), NOW + LONGEST + timedelta(seconds=1)]
)
def test_an_expiry_in_the_past_or_too_far_is_refused(asked: datetime) -> None:
    with pytest.raises(people.ExpiryError):
        people.token_expiry(NOW, asked, default=DEFAULT, longest=LONGEST)


def test_a_token_is_usable_until_revoked_or_expired() -> None:
    assert people.is_usable(None, None, NOW)
    assert people.is_usable(None, NOW + timedelta(seconds=1), NOW)
    assert not people.is_usable(None, NOW, NOW)
    assert not people.is_usable(NOW - timedelta(days=1), None, NOW)


def test_the_last_use_is_written_at_most_once_a_minute() -> None:
    assert people.last_use_is_stale(None, NOW)
    assert not people.last_use_is_stale(NOW - timedelta(seconds=59), NOW)
    assert people.last_use_is_stale(NOW - timedelta(seconds=60), NOW)


def test_a_list_shows_only_the_start_of_a_secret() -> None:
    secret = people.TOKEN_PREFIX + "x" * 43

    assert people.shown_prefix(secret) == secret[: people.SHOWN_PREFIX_LENGTH]
    assert len(people.shown_prefix(secret)) < len(secret) // 3
