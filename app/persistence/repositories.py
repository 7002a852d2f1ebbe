"""Queries on client files, users and lifecycle jobs (documents: `documents.py`). Lock
order is always client file first, then documents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.domain import audit
from app.domain.model import Actor, FileState, FileStatus, Role
from app.persistence import clock
from app.persistence.consent import Invitations
from app.persistence.db import insert_or_get
from app.persistence.models import (
    ClientFile,
    ClientFileUser,
    LifecycleEvent,
    LifecycleJob,
    Practice,
    User,
)


class ClientFiles:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, client_file: ClientFile) -> ClientFile:
        self.session.add(client_file)
        return client_file

    def get(self, file_id: uuid.UUID) -> ClientFile | None:
        return self.session.get(ClientFile, file_id)

    def lock(self, file_id: uuid.UUID, *, shared: bool = False) -> ClientFile | None:
        """Row-lock the file: FOR UPDATE for lifecycle changes, FOR SHARE for gate checks.

        On SQLite the whole database is already locked at BEGIN IMMEDIATE.
        """
        query = (
            select(ClientFile)
            .where(ClientFile.id == file_id)
            .with_for_update(read=shared)
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(query).one_or_none()

    def share_unless_locked(self, file_ids: Sequence[uuid.UUID]) -> list[ClientFile]:
        """FOR SHARE the files no lifecycle change holds right now; never waits for one
        (a file another transaction holds FOR UPDATE is left out)."""
        if not file_ids:
            return []
        query = (
            select(ClientFile)
            .where(ClientFile.id.in_(file_ids))
            .order_by(ClientFile.id)
            .with_for_update(read=True, skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(query))

    def state(self, client_file: ClientFile) -> FileState:
        return FileState(
            practice_id=client_file.practice_id,
            billing=client_file.billing,
            status=client_file.status,
            client_user_count=self.client_user_count(client_file.id),
            deactivated_at=client_file.deactivated_at,
            hold_until=client_file.hold_until,
            hold_reason=client_file.hold_reason,
            purge_after=client_file.purge_after,
            pending_invitations=Invitations(self.session).pending_count(
                client_file.id, clock.now(self.session)
            ),
        )

    def client_user_count(self, file_id: uuid.UUID) -> int:
        query = select(func.count()).where(ClientFileUser.client_file_id == file_id)
        return self.session.scalar(query) or 0

    def has_client_user(self, file_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return self.session.get(ClientFileUser, (file_id, user_id)) is not None

    def add_client_user(self, file_id: uuid.UUID, user_id: uuid.UUID, by: uuid.UUID) -> None:
        self.session.add(ClientFileUser(client_file_id=file_id, user_id=user_id, invited_by=by))

    def for_practice(self, practice_id: uuid.UUID, status: FileStatus) -> Sequence[ClientFile]:
        query = (
            select(ClientFile)
            .where(ClientFile.practice_id == practice_id, ClientFile.status == status)
            .order_by(ClientFile.name)
        )
        return self.session.scalars(query).all()

    def for_client_user(self, user_id: uuid.UUID) -> Sequence[ClientFile]:
        query = (
            select(ClientFile)
            .join(ClientFileUser, ClientFileUser.client_file_id == ClientFile.id)
            .where(ClientFileUser.user_id == user_id, ClientFile.status != FileStatus.DELETING)
            .order_by(ClientFile.name)
        )
        return self.session.scalars(query).all()

    def deleting(self, stale_before: datetime) -> Sequence[uuid.UUID]:
        query = select(ClientFile.id).where(
            ClientFile.status == FileStatus.DELETING, ClientFile.updated_at < stale_before
        )
        return self.session.scalars(query).all()

    def grace_ended(self, now: datetime, limit: int) -> Sequence[ClientFile]:
        """Files whose deletion grace period is over and whose purge nobody has started or
        sent, FOR UPDATE SKIP LOCKED so two runners never send the same purge."""
        query = (
            select(ClientFile)
            .where(
                ClientFile.status == FileStatus.DELETING,
                ClientFile.purge_after <= now,
                # Not touched since the grace ended: no purge has been started or sent yet.
                ClientFile.updated_at < ClientFile.purge_after,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).all()

    def touch(self, file_id: uuid.UUID, now: datetime) -> None:
        """Set the file's `updated_at`, in one statement that changes nothing (and fails
        nothing) when another transaction has removed the row."""
        self.session.execute(
            update(ClientFile)
            .where(ClientFile.id == file_id)
            .values(updated_at=now)
            .execution_options(synchronize_session=False)
        )

    def delete_access_rows(self, file_id: uuid.UUID) -> int:
        result = self.session.execute(
            delete(ClientFileUser).where(ClientFileUser.client_file_id == file_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def delete_row(self, file_id: uuid.UUID) -> int:
        result = self.session.execute(delete(ClientFile).where(ClientFile.id == file_id))
        return int(result.rowcount)  # type: ignore[attr-defined]


class Users:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User) -> User:
        self.session.add(user)
        return user

    def add_unless_present(self, user: User) -> tuple[User, bool]:
        """Insert the user, or return the one another transaction inserted first with the
        same e-mail address: (user, True when this one was inserted)."""
        return insert_or_get(self.session, user, lambda: self.by_email(user.email))

    def get(self, user_id: uuid.UUID) -> User | None:
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == email)).one_or_none()

    def actor(self, user_id: uuid.UUID) -> Actor | None:
        user = self.get(user_id)
        if user is None:
            return None
        file_ids = self.client_file_ids(user_id) if user.role is Role.CLIENT else frozenset()
        return Actor(user.id, user.role, user.practice_id, file_ids, user.is_admin)

    def client_file_ids(self, user_id: uuid.UUID) -> frozenset[uuid.UUID]:
        query = select(ClientFileUser.client_file_id).where(ClientFileUser.user_id == user_id)
        return frozenset(self.session.scalars(query).all())

    def staff_of(self, practice_id: uuid.UUID) -> Sequence[User]:
        query = (
            select(User)
            .where(User.practice_id == practice_id, User.role == Role.STAFF)
            .order_by(User.name, User.id)
        )
        return self.session.scalars(query).all()

    def add_practice(self, practice: Practice) -> Practice:
        self.session.add(practice)
        return practice

    def practice(self, practice_id: uuid.UUID) -> Practice | None:
        return self.session.get(Practice, practice_id)


class Lifecycle:
    """Jobs and audit events."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def job(self, job_id: uuid.UUID, *, lock: bool = False) -> LifecycleJob | None:
        query = select(LifecycleJob).where(LifecycleJob.id == job_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).one_or_none()

    def add_job(self, job: LifecycleJob) -> LifecycleJob:
        self.session.add(job)
        return job

    def add_job_unless_present(self, job: LifecycleJob) -> tuple[LifecycleJob, bool]:
        """Insert the job, or return (locked) the one a concurrent run of the same job id
        inserted first: (job, True when this one was inserted)."""
        return insert_or_get(self.session, job, lambda: self.job(job.id, lock=True))

    def running_delete_job(self, file_id: uuid.UUID) -> LifecycleJob | None:
        query = (
            select(LifecycleJob)
            .where(
                LifecycleJob.client_file_id == file_id,
                LifecycleJob.action == "delete",
                LifecycleJob.status == "running",
            )
            .order_by(LifecycleJob.created_at)
            .limit(1)
        )
        return self.session.scalars(query).first()

    def orphaned_delete_jobs(self, stale_before: datetime, limit: int) -> Sequence[LifecycleJob]:
        """Deletion jobs still `running`, untouched since `stale_before`, whose file row is
        gone (another job removed it): claimed FOR UPDATE SKIP LOCKED, so two sweepers
        never resend the same one."""
        file_is_there = select(ClientFile.id).where(ClientFile.id == LifecycleJob.client_file_id)
        query = (
            select(LifecycleJob)
            .where(
                LifecycleJob.action == "delete",
                LifecycleJob.status == "running",
                LifecycleJob.updated_at < stale_before,
                ~file_is_there.exists(),
            )
            .order_by(LifecycleJob.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).all()

    def deletion_event(self, file_id: uuid.UUID) -> LifecycleEvent | None:
        """The audit event of the file's completed deletion, if it was deleted."""
        query = select(LifecycleEvent).where(
            LifecycleEvent.client_file_id == file_id, LifecycleEvent.action == "delete"
        )
        return self.session.scalars(query.limit(1)).first()

    def add_event(self, event: LifecycleEvent) -> LifecycleEvent:
        # Who may read it is fixed now: the practices before and after the change.
        if event.to_practice_id is None:
            event.to_practice_id = audit.practice_after(event.to_state or {})
        self.session.add(event)
        return event

    def events_for(self, file_id: uuid.UUID) -> Sequence[LifecycleEvent]:
        query = (
            select(LifecycleEvent)
            .where(LifecycleEvent.client_file_id == file_id)
            .order_by(LifecycleEvent.created_at)
        )
        return self.session.scalars(query).all()
