"""Paged reads of a client file's lifecycle jobs: those a worker has written, and those the
API accepted that no worker has picked up yet (still pending), newest first."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select, union_all
from sqlalchemy.orm import Session

from app.domain.model import Role
from app.persistence.auth import LifecycleRequest
from app.persistence.models import LifecycleJob, User


class JobPages:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self, file_id: uuid.UUID, *, practice_id: uuid.UUID | None, limit: int, offset: int
    ) -> tuple[list[uuid.UUID], int]:
        """One page of job ids and the number of jobs in all. With `practice_id`, only
        jobs asked by that practice's staff or by client users: a practice never sees
        what a former practice of the file did."""
        written, waiting = self._listings(file_id, practice_id)
        listing = union_all(written, waiting).subquery()
        total = self.session.scalar(select(func.count()).select_from(listing)) or 0
        query = (
            select(listing.c.id)
            .order_by(listing.c.created_at.desc(), listing.c.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(query)), total

    def _listings(
        self, file_id: uuid.UUID, practice_id: uuid.UUID | None
    ) -> tuple[Select[uuid.UUID, datetime], Select[uuid.UUID, datetime]]:
        written = select(LifecycleJob.id, LifecycleJob.created_at).where(
            LifecycleJob.client_file_id == file_id
        )
        waiting = (
            select(LifecycleRequest.id, LifecycleRequest.created_at)
            .outerjoin(LifecycleJob, LifecycleJob.id == LifecycleRequest.id)
            .where(LifecycleRequest.client_file_id == file_id, LifecycleJob.id.is_(None))
        )
        if practice_id is not None:
            written = written.join(User, User.id == LifecycleJob.actor_id).where(
                _asked_by(practice_id)
            )
            waiting = waiting.join(User, User.id == LifecycleRequest.actor_id).where(
                _asked_by(practice_id)
            )
        return written, waiting


def _asked_by(practice_id: uuid.UUID) -> ColumnElement[bool]:
    return or_(User.role == Role.CLIENT, User.practice_id == practice_id)
