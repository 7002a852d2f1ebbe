"""Reading the audit trail: who may see an event, and where a page of events ends.

An event is seen by the parties who could see its file when it happened: the practice the
file was attached to before the change and the one it is attached to after it (so a
practice sees its own detach, and a practice the file is attached to sees that attach,
but neither sees the other's time), and the file's client users, who see their whole
file."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.model import Actor


def practices_seeing(
    practice_before: uuid.UUID | None, practice_after: uuid.UUID | None
) -> frozenset[uuid.UUID]:
    return frozenset(p for p in (practice_before, practice_after) if p is not None)


def practice_after(to_state: dict[str, Any]) -> uuid.UUID | None:
    """The practice a change left the file attached to, read from the event's `to` state."""
    value = to_state.get("practice_id")
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def can_read(
    actor: Actor,
    client_file_id: uuid.UUID,
    practice_before: uuid.UUID | None,
    practice_after: uuid.UUID | None,
) -> bool:
    if actor.is_staff:
        return actor.practice_id in practices_seeing(practice_before, practice_after)
    return client_file_id in actor.client_file_ids


class CursorError(ValueError):
    """A cursor this API did not hand out."""


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """The last event of a page; the next page starts after it. Events are ordered by
    (created_at, id): a total order, so a page never repeats or skips an event."""

    created_at: datetime
    event_id: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.created_at.astimezone(UTC).isoformat()}|{self.event_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            stamp, event_id = raw.split("|")
            created_at = datetime.fromisoformat(stamp)
            if created_at.tzinfo is None:
                raise ValueError("no time zone")
            return cls(created_at.astimezone(UTC), uuid.UUID(event_id))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise CursorError("This cursor is not one Dossier handed out.") from None


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What a reader asks for; every part optional. `since` is inclusive, `until` not."""

    client_file_id: uuid.UUID | None = None
    action: str | None = None
    actor_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None

    def problem(self) -> str | None:
        if self.since is not None and self.until is not None and self.since >= self.until:
            return "'since' must be before 'until'."
        return None
