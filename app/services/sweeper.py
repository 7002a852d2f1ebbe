"""The sweeper: finds work whose message was lost (a crash between commit and send, an
empty Redis after a restart) and sends it again. Every task re-checks, so a resend of
work that was merely slow is harmless."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.model import DocumentStatus
from app.persistence.models import LifecycleJob
from app.persistence.uow import UnitOfWork
from app.services import commands, messages, requests


@dataclass(frozen=True, slots=True)
class SweepReport:
    documents_resent: int
    deletions_resumed: int
    lifecycle_requests_resent: int = 0
    exports_resent: int = 0


def sweep(
    uow: UnitOfWork,
    *,
    stale_after: timedelta,
    batch_size: int,
    now: datetime | None = None,
) -> SweepReport:
    now = now or uow.clock()
    stale_before = now - stale_after
    with uow:
        # Rows are claimed FOR UPDATE SKIP LOCKED: two sweepers never resend the same one.
        documents = uow.documents.stale(stale_before, batch_size)
        for document in documents:
            document.task_id = uuid.uuid4()
            document.updated_at = now
            if document.status is DocumentStatus.PENDING:
                uow.enqueue(messages.gate(document.id, document.task_id))
            else:
                uow.enqueue(messages.extract(document.id, document.task_id))
        resumed = _resume_deletions(uow, stale_before, now, batch_size)
        exports = uow.exports.unfinished(stale_before, batch_size)
        for export in exports:
            export.updated_at = now
            uow.enqueue(messages.export(export.id))
        uow.commit()
    # Lifecycle changes asked for over the API whose message never reached a worker.
    requests_resent = requests.resend_unclaimed(
        uow, stale_after=stale_after, limit=batch_size, now=now
    )
    return SweepReport(len(documents), resumed, requests_resent, len(exports))


def _resume_deletions(
    uow: UnitOfWork, stale_before: datetime, now: datetime, batch_size: int
) -> int:
    """Re-send the deletions that stopped moving: files still `deleting`, and running
    jobs whose file another job removed (they only have to end, `done`)."""
    resumed: list[LifecycleJob] = []
    for client_file_id in uow.files.deleting(stale_before):
        job = uow.lifecycle.running_delete_job(client_file_id)
        client_file = uow.files.get(client_file_id)
        if job is None or client_file is None:
            continue
        client_file.updated_at = now
        resumed.append(job)
    for job in uow.lifecycle.orphaned_delete_jobs(stale_before, batch_size):
        job.updated_at = now
        resumed.append(job)
    for job in resumed:
        uow.enqueue(commands.resume_deletion(job))
    return len(resumed)
