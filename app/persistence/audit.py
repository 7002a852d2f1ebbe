"""Reading the audit trail: pages of lifecycle events a reader may see, in (created_at,
id) order, after a cursor; and the practice-level events of people and tokens, which
belong to no client file."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Index, String, Uuid, and_, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.domain.audit import Cursor, EventFilter
from app.persistence.models import Base, LifecycleEvent, utcnow


class PracticeEvent(Base):
    """Append-only audit of a practice's people: staff added, removed, disabled or
    enabled, API tokens created or revoked. Never a secret: ids, names, flags."""

    __tablename__ = "practice_events"
    __table_args__ = (
        Index("ix_practice_events_practice_created", "practice_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # The practice whose people changed; None for a client user's own tokens.
    practice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Who did it; None for the operator (the command line).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(40))
    # The person changed, or the owner of the token.
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    token_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def readable_by(
    practice_id: uuid.UUID | None, file_ids: frozenset[uuid.UUID]
) -> ColumnElement[bool]:
    """The events of `practice_id`'s time with their files (practice staff), or of the
    files `file_ids` (client users); see `app.domain.audit`."""
    if practice_id is not None:
        return or_(
            LifecycleEvent.practice_id == practice_id,
            LifecycleEvent.to_practice_id == practice_id,
        )
    return LifecycleEvent.client_file_id.in_(sorted(file_ids))


def _matching(wanted: EventFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.client_file_id is not None:
        conditions.append(LifecycleEvent.client_file_id == wanted.client_file_id)
    if wanted.action is not None:
        conditions.append(LifecycleEvent.action == wanted.action)
    if wanted.actor_id is not None:
        conditions.append(LifecycleEvent.actor_id == wanted.actor_id)
    if wanted.since is not None:
        conditions.append(LifecycleEvent.created_at >= wanted.since)
    if wanted.until is not None:
        conditions.append(LifecycleEvent.created_at < wanted.until)
    return conditions


class Events:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self,
        audience: ColumnElement[bool],
        wanted: EventFilter,
        *,
        after: Cursor | None,
        limit: int,
    ) -> Sequence[LifecycleEvent]:
        query = select(LifecycleEvent).where(audience, *_matching(wanted))
        if after is not None:
            query = query.where(
                or_(
                    LifecycleEvent.created_at > after.created_at,
                    and_(
                        LifecycleEvent.created_at == after.created_at,
                        LifecycleEvent.id > after.event_id,
                    ),
                )
            )
        query = query.order_by(LifecycleEvent.created_at, LifecycleEvent.id).limit(limit)
        return self.session.scalars(query).all()

    def any_of_file(self, audience: ColumnElement[bool], client_file_id: uuid.UUID) -> bool:
        query = select(LifecycleEvent.id).where(
            audience, LifecycleEvent.client_file_id == client_file_id
        )
        return self.session.scalars(query.limit(1)).first() is not None


class PracticeEvents:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, event: PracticeEvent) -> None:
        self.session.add(event)

    def page(
        self, practice_id: uuid.UUID, wanted: EventFilter, *, after: Cursor | None, limit: int
    ) -> Sequence[PracticeEvent]:
        query = select(PracticeEvent).where(PracticeEvent.practice_id == practice_id)
        if wanted.action is not None:
            query = query.where(PracticeEvent.action == wanted.action)
        if wanted.actor_id is not None:
            query = query.where(PracticeEvent.actor_id == wanted.actor_id)
        if wanted.since is not None:
            query = query.where(PracticeEvent.created_at >= wanted.since)
        if wanted.until is not None:
            query = query.where(PracticeEvent.created_at < wanted.until)
        if after is not None:
            query = query.where(
                or_(
                    PracticeEvent.created_at > after.created_at,
                    and_(
                        PracticeEvent.created_at == after.created_at,
                        PracticeEvent.id > after.event_id,
                    ),
                )
            )
        query = query.order_by(PracticeEvent.created_at, PracticeEvent.id).limit(limit)
        return self.session.scalars(query).all()
