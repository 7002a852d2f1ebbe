"""Instants Dossier accepts from outside (a hold's end, a schedule's run time): aware, in
UTC, and within bounds every database and every reader can represent.

Without the bounds, `9999-12-31T23:59:59-12:00` is a valid ISO 8601 instant whose UTC
value lies in the year 10000: stored once, every later read of its row fails."""

from __future__ import annotations

from datetime import UTC, datetime

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
BOUNDS = f"between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d} (UTC)"


class InstantError(ValueError):
    """The value is not an instant Dossier can keep; the message says why."""


def to_utc(value: datetime) -> datetime:
    """`value` in UTC, or InstantError when it has no time zone or lies out of bounds."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InstantError("Give the time with its time zone (for example 2030-01-01T00:00Z).")
    try:
        converted = value.astimezone(UTC)
    except OverflowError:
        converted = None
    if converted is None or not EARLIEST <= converted <= LATEST:
        raise InstantError(f"The time must lie {BOUNDS}.")
    return converted


def in_bounds(value: datetime) -> bool:
    try:
        to_utc(value)
    except InstantError:
        return False
    return True
