"""Scheduled lifecycle actions: a change asked for now, to run at a later time.

They live in the database rather than in long Celery ETAs, which Redis redelivers or loses
past its visibility timeout. Like the audit, a schedule keeps ids without foreign keys, so
its outcome stays readable after its file is gone."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Uuid, and_, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.persistence.db import insert_or_get
from app.persistence.models import Base, User, utcnow

SCHEDULED, RUNNING, DONE, REFUSED, FAILED, CANCELLED = (
    "scheduled",
    "running",
    "done",
    "refused",
    "failed",
    "cancelled",
)
FINISHED = frozenset({DONE, REFUSED, FAILED, CANCELLED})


class ScheduledAction(Base):
    __tablename__ = "scheduled_actions"
    __table_args__ = (Index("ix_scheduled_actions_status_run_at", "status", "run_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    client_file_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    run_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    # The lifecycle job the action runs as: a second run of the same schedule is the same
    # job, so it changes nothing twice.
    job_id: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str | None] = mapped_column(String(500))
    cancelled_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ScheduledActions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, schedule: ScheduledAction) -> ScheduledAction:
        self.session.add(schedule)
        return schedule

    def add_unless_present(self, schedule: ScheduledAction) -> tuple[ScheduledAction, bool]:
        """Insert the schedule, or return the one recorded first under the same id."""
        return insert_or_get(self.session, schedule, lambda: self.get(schedule.id))

    def get(self, schedule_id: uuid.UUID, *, lock: bool = False) -> ScheduledAction | None:
        query = select(ScheduledAction).where(ScheduledAction.id == schedule_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).one_or_none()

    def for_file(
        self, file_id: uuid.UUID, *, practice_id: uuid.UUID | None = None
    ) -> Sequence[ScheduledAction]:
        """With `practice_id`, none another practice's staff asked for: a practice never
        sees what a former practice of the file planned (`access.practice_filter`)."""
        query = (
            select(ScheduledAction)
            .where(ScheduledAction.client_file_id == file_id)
            .order_by(ScheduledAction.run_at, ScheduledAction.created_at)
        )
        if practice_id is not None:
            query = query.join(User, User.id == ScheduledAction.actor_id).where(
                or_(User.practice_id.is_(None), User.practice_id == practice_id)
            )
        return self.session.scalars(query).all()

    def claim_due(
        self, now: datetime, stale_before: datetime, limit: int
    ) -> Sequence[ScheduledAction]:
        """Take the schedules that are due, and those a runner claimed but never finished
        (it died), FOR UPDATE SKIP LOCKED: two runners never take the same one, and an
        outage is caught up since every past-due row is taken, oldest first."""
        query = (
            select(ScheduledAction)
            .where(
                or_(
                    and_(
                        ScheduledAction.status == SCHEDULED,
                        ScheduledAction.run_at <= now,
                        # One put back for a retry waits for the next run.
                        or_(ScheduledAction.claimed_at.is_(None), ScheduledAction.claimed_at < now),
                    ),
                    and_(
                        ScheduledAction.status == RUNNING,
                        ScheduledAction.claimed_at < stale_before,
                    ),
                )
            )
            .order_by(ScheduledAction.run_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        schedules = self.session.scalars(query).all()
        if schedules:
            # Counted in SQL, not from what this runner read: a row two runners both took
            # would show two attempts, so a double claim can be seen.
            self.session.execute(
                update(ScheduledAction)
                .where(ScheduledAction.id.in_([s.id for s in schedules]))
                .values(status=RUNNING, claimed_at=now, attempts=ScheduledAction.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            for schedule in schedules:
                self.session.refresh(schedule)
        return schedules
