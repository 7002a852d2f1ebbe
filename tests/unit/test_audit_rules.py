"""Who reads an event: the practices of the file before and after it, and the file's
client users; and cursors that round-trip and refuse what Dossier did not hand out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import audit
from app.domain.audit import Cursor, CursorError, EventFilter
from app.domain.model import Actor, Role

A, B, C = (uuid.UUID(f"00000000-0000-0000-0000-00000000a00{n}") for n in (1, 2, 3))
FILE = uuid.uuid4()
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def staff(practice: uuid.UUID) -> Actor:
    return Actor(uuid.uuid4(), Role.STAFF, practice)


@pytest.mark.parametrize(
    ("before", "after", "readers"),
    [
        (A, A, {A}),  # a change while attached to A (deactivate, ...)
        (A, None, {A}),  # A's detach: A sees it, nobody after
        (None, B, {B}),  # the attach to B: B sees it, A does not
        (None, None, set()),  # a change while detached: no practice
        (A, B, {A, B}),  # a move from one practice to another in one step
    ],
)
def test_practices_read_the_events_of_their_time_with_the_file(
    before: uuid.UUID | None, after: uuid.UUID | None, readers: set[uuid.UUID]
) -> None:
    for practice in (A, B, C):
        assert audit.can_read(staff(practice), FILE, before, after) is (practice in readers)


def test_client_users_read_every_event_of_their_files_only() -> None:
    theirs = Actor(uuid.uuid4(), Role.CLIENT, None, frozenset({FILE}))
    stranger = Actor(uuid.uuid4(), Role.CLIENT, None, frozenset({uuid.uuid4()}))

    for before, after in [(A, A), (A, None), (None, B), (None, None)]:
        assert audit.can_read(theirs, FILE, before, after)
        assert not audit.can_read(stranger, FILE, before, after)


def test_staff_without_a_practice_read_nothing() -> None:
    removed = Actor(uuid.uuid4(), Role.STAFF, None)

    assert not audit.can_read(removed, FILE, None, None)
    assert not audit.can_read(removed, FILE, A, None)


def test_the_practice_after_a_change_is_read_from_its_state() -> None:
    assert audit.practice_after({"practice_id": str(B)}) == B
    assert audit.practice_after({"practice_id": None}) is None
    assert audit.practice_after({}) is None
    assert audit.practice_after({"practice_id": "not an id"}) is None


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.just(UTC),
    ),
    st.uuids(),
)
def test_a_cursor_round_trips(created_at: datetime, event_id: uuid.UUID) -> None:
    cursor = Cursor(created_at, event_id)

    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize(
    "garbage",
    ["", "abc", "!!!!", Cursor(NOW, uuid.uuid4()).encode()[:-3], "MjAyNnxub3RhbmlkCg"],
)
def test_a_cursor_dossier_did_not_hand_out_is_refused(garbage: str) -> None:
    with pytest.raises(CursorError):
        Cursor.decode(garbage)


def test_cursors_order_as_their_events() -> None:
    first = Cursor(NOW, uuid.UUID(int=2))

    assert first < Cursor(NOW, uuid.UUID(int=3)) < Cursor(NOW + timedelta(microseconds=1), A)


def test_a_time_range_must_be_a_range() -> None:
    assert EventFilter(since=NOW, until=NOW + timedelta(seconds=1)).problem() is None
    assert EventFilter(since=NOW, until=NOW).problem() is not None
    assert EventFilter(since=NOW).problem() is None
