"""Running scheduled actions when they come due (beat sends
`dossier.maintenance.run_due_actions` every minute).

Each due schedule is claimed FOR UPDATE SKIP LOCKED and marked running in one short
transaction, then run through exactly the code an immediate change runs (`lifecycle.change`,
`deletion.delete`) under the schedule's own job id, then its outcome is recorded. A runner
that dies leaves the schedule running; once that is older than `stale_after` another runner
takes it again, and the job id makes the second run finish the first one's job instead of
acting twice. After MAX_ATTEMPTS the schedule fails for good."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.domain.model import Action
from app.errors import InvalidInput, NotFound
from app.persistence.schedules import (
    DONE,
    FAILED,
    REFUSED,
    RUNNING,
    SCHEDULED,
)
from app.persistence.uow import UnitOfWork
from app.services import commands, lifecycle
from app.storage import BlobStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Claim:
    """What a runner needs of a claimed schedule, read inside the claiming transaction."""

    id: uuid.UUID
    client_file_id: uuid.UUID
    action: Action
    actor_id: uuid.UUID
    params: dict[str, Any]
    job_id: uuid.UUID
    attempts: int


@dataclass(frozen=True, slots=True)
class DueReport:
    done: int = 0
    refused: int = 0
    failed: int = 0
    retrying: int = 0
    purges_sent: int = 0  # deletions whose grace period ended


def run_due(
    uow: UnitOfWork,
    blobs: BlobStore,
    *,
    stale_after: timedelta,
    delete_batch_size: int,
    batch_size: int = 100,
    now: datetime | None = None,
) -> DueReport:
    """Run every schedule due at `now` (and any a dead runner left), once each."""
    now = now or uow.clock()
    outcomes: Counter[str] = Counter()
    while True:
        claims, given_up = claim(uow, now=now, stale_after=stale_after, limit=batch_size)
        outcomes[FAILED] += given_up
        for due in claims:
            outcomes[_run(uow, blobs, due, delete_batch_size)] += 1
        if len(claims) + given_up < batch_size:
            break
    purges = start_due_purges(uow, now=now, limit=batch_size)
    return DueReport(
        outcomes[DONE], outcomes[REFUSED], outcomes[FAILED], outcomes[SCHEDULED], purges
    )


def start_due_purges(uow: UnitOfWork, *, now: datetime, limit: int = 100) -> int:
    """Send the purge of every file whose grace period (`grace.py`) is over. Touching the
    file marks the purge as sent; if the message is lost, the sweeper resends it once the
    file is stale."""
    with uow:
        sent = 0
        for client_file in uow.files.grace_ended(now, limit):
            job = uow.lifecycle.running_delete_job(client_file.id)
            if job is None:
                continue
            client_file.updated_at = now
            uow.enqueue(commands.resume_deletion(job))
            sent += 1
        uow.commit()
        return sent


def claim(
    uow: UnitOfWork, *, now: datetime, stale_after: timedelta, limit: int
) -> tuple[list[Claim], int]:
    """Claim up to `limit` due schedules; return them and how many were given up on."""
    with uow:
        records = uow.schedules.claim_due(now, now - stale_after, limit)
        claims, given_up = [], 0
        for record in records:
            if record.attempts > MAX_ATTEMPTS:
                record.status, record.reason = FAILED, "interrupted"
                record.message = (
                    f"This scheduled {record.action} was interrupted {MAX_ATTEMPTS} times; "
                    "it will not be tried again."
                )
                record.finished_at = now
                given_up += 1
                continue
            claims.append(
                Claim(
                    id=record.id,
                    client_file_id=record.client_file_id,
                    action=Action(record.action),
                    actor_id=record.actor_id,
                    params=dict(record.params),
                    job_id=record.job_id,
                    attempts=record.attempts,
                )
            )
        uow.commit()
        return claims, given_up


def _run(uow: UnitOfWork, blobs: BlobStore, due: Claim, delete_batch_size: int) -> str:
    try:
        result = _execute(uow, blobs, due, delete_batch_size)
    except (NotFound, InvalidInput) as error:
        # The file is gone, or no longer the scheduler's to change: never worth a retry.
        return _record(uow, due, REFUSED, error.code, error.message)
    except Exception:
        log.exception("scheduled %s %s failed (attempt %d)", due.action, due.id, due.attempts)
        if due.attempts >= MAX_ATTEMPTS:
            message = f"This scheduled {due.action} failed {due.attempts} times; it was dropped."
            return _record(uow, due, FAILED, "error", message)
        return _record(uow, due, SCHEDULED, None, None)  # the next run tries again
    # A deletion with a grace period is under way (running) once it has started.
    if result.status in (lifecycle.DONE, lifecycle.RUNNING):
        return _record(uow, due, DONE, None, result.message)
    return _record(uow, due, REFUSED, result.reason, result.message)


def _execute(
    uow: UnitOfWork, blobs: BlobStore, due: Claim, delete_batch_size: int
) -> lifecycle.JobResult:
    command = commands.command_for(
        due.action, client_file_id=due.client_file_id, actor_id=due.actor_id, params=due.params
    )
    return commands.run(uow, blobs, command, job_id=due.job_id, delete_batch_size=delete_batch_size)


def _record(
    uow: UnitOfWork, due: Claim, status: str, reason: str | None, message: str | None
) -> str:
    with uow:
        record = uow.schedules.get(due.id, lock=True)
        if record is None or record.status != RUNNING:
            return status  # a runner that took it over after us has recorded it already
        record.status, record.reason, record.message = status, reason, message
        record.finished_at = None if status == SCHEDULED else uow.clock()
        uow.commit()
        return status
