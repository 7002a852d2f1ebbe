"""Deleting a client file: mark it `deleting`, then remove its rows and blobs in batches,
each batch its own transaction, so memory stays flat and a crash resumes where it stopped.
Only the audit event and the job survive."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from app.domain.model import Action, FileStatus
from app.errors import ActionRefused, NotFound
from app.persistence.models import LifecycleEvent, LifecycleJob, utcnow
from app.persistence.uow import UnitOfWork
from app.services.lifecycle import (
    CANCELLED,
    DONE,
    REFUSED,
    RUNNING,
    JobResult,
    authorise,
    job_result,
    record_refusal,
    state_dict,
)
from app.storage import BlobStore

log = logging.getLogger(__name__)

Progress = Callable[[dict[str, int]], None]

FINISHED = (DONE, REFUSED, CANCELLED)


def delete(
    uow: UnitOfWork,
    blobs: BlobStore,
    *,
    job_id: uuid.UUID,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    batch_size: int,
    progress: Progress | None = None,
) -> JobResult:
    """Delete the file completely. Safe to run again, with the same job or another one:
    a file already `deleting` is resumed, a finished job returns its result."""
    try:
        job = _start(uow, job_id, client_file_id, actor_id)
    except ActionRefused as refused:
        return record_refusal(uow, job_id, client_file_id, actor_id, Action.DELETE, {}, refused)
    if job.status in FINISHED:
        return job_result(job)
    waiting = _grace_left(uow, job, client_file_id)
    if waiting is not None:
        return waiting
    counts = dict(job.counts)
    # Each batch is the next range of the file's ids, so what is left of a big file is
    # never sorted again; a last walk from the start finds any row the walk went past.
    after: uuid.UUID | None = None
    while True:
        deleted, last = _delete_batch(uow, job.id, client_file_id, batch_size, counts, after)
        if deleted == 0 and after is None:
            break
        after = last  # None once a batch took the rest: walk again from the start
        if deleted and progress is not None:
            progress(counts)
    return _finish(uow, blobs, job.id, client_file_id, counts, progress)


def _start(
    uow: UnitOfWork, job_id: uuid.UUID, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> LifecycleJob:
    """Mark the file `deleting` (uploads refused, gate drops) and record the job."""
    with uow:
        job = uow.lifecycle.job(job_id, lock=True)
        if job is not None and job.status in FINISHED:
            uow.commit()  # not a rollback: that would expire the job the caller reads
            return job
        client_file = uow.files.lock(client_file_id)
        if client_file is None:
            if job is not None:  # a crash after the last batch: only the audit is left
                uow.commit()
                return job
            raise NotFound("No such client file.", client_file_id=client_file_id)
        if client_file.status is not FileStatus.DELETING:
            _, state, _ = authorise(uow, client_file_id, actor_id, Action.DELETE)
            client_file.status = FileStatus.DELETING
            client_file.updated_at = uow.clock()
            grace = uow.policy.deletion_grace
            # With a grace period the file is hidden and the deletion cancellable until then.
            client_file.purge_after = client_file.updated_at + grace if grace else None
            from_state: dict[str, Any] = state_dict(state)
        else:
            # Resuming: the state before the deletion is on the job that started it.
            earlier = job or uow.lifecycle.running_delete_job(client_file_id)
            from_state = dict(earlier.params.get("from_state", {})) if earlier else {}
        if job is not None and job.status != RUNNING:
            # Recorded by a caller before dispatch (e.g. as pending): it starts now.
            job.status, job.actor_id = RUNNING, job.actor_id or actor_id
            job.counts = {**_zero_counts(), **job.counts}
            job.params = {**job.params, "from_state": from_state}
        if job is None:
            job = uow.lifecycle.add_job(
                LifecycleJob(
                    id=job_id,
                    client_file_id=client_file_id,
                    action=str(Action.DELETE),
                    actor_id=actor_id,
                    params={"from_state": from_state},
                    status=RUNNING,
                    counts=_zero_counts(),
                )
            )
        uow.commit()
        return job


def _grace_left(uow: UnitOfWork, job: LifecycleJob, client_file_id: uuid.UUID) -> JobResult | None:
    """While the grace period lasts, the job waits (running) and nothing is removed."""
    with uow:
        client_file = uow.files.get(client_file_id)
        purge_after = client_file.purge_after if client_file is not None else None
        if purge_after is None or purge_after <= uow.clock():
            return None
        message = (
            f"The client file is hidden and will be removed after {purge_after:%Y-%m-%d %H:%M}"
            " UTC; until then the deletion can be cancelled."
        )
        # On the job too: whoever follows it (GET /v1/lifecycle-jobs/{id}) reads the date.
        stored = uow.lifecycle.job(job.id, lock=True)
        if stored is not None and stored.message != message:
            stored.message = message
            uow.commit()
        return JobResult(job.id, client_file_id, str(Action.DELETE), RUNNING, {}, None, message)


def _zero_counts() -> dict[str, int]:
    return {"documents_deleted": 0, "extractions_deleted": 0, "blobs_deleted": 0}


def _delete_batch(
    uow: UnitOfWork,
    job_id: uuid.UUID,
    client_file_id: uuid.UUID,
    batch_size: int,
    counts: dict[str, int],
    after: uuid.UUID | None,
) -> tuple[int, uuid.UUID | None]:
    """Delete the rows of the next batch (ids above `after`); return how many documents
    went and the batch's last id (None when it took all that was left)."""
    with uow:
        # The file lock serialises batches of two runs resuming the same deletion, and
        # keeps out gates, claims and results (they hold it FOR SHARE).
        if uow.files.lock(client_file_id) is None:
            return 0, None
        last = uow.documents.batch_end(client_file_id, batch_size, after)
        documents, extractions = uow.documents.delete_range(client_file_id, after, last)
        if documents == 0:
            return 0, None
        counts["documents_deleted"] += documents
        counts["extractions_deleted"] += extractions
        _touch(uow, job_id, client_file_id, counts)
        uow.commit()
    return documents, last


def _touch(
    uow: UnitOfWork, job_id: uuid.UUID, client_file_id: uuid.UUID, counts: dict[str, int]
) -> None:
    now = utcnow()
    job = uow.lifecycle.job(job_id)
    if job is not None:
        job.counts, job.updated_at = dict(counts), now
    client_file = uow.files.get(client_file_id)
    if client_file is not None:
        client_file.updated_at = now  # a heartbeat: the sweeper resumes only stale ones


def _finish(
    uow: UnitOfWork,
    blobs: BlobStore,
    job_id: uuid.UUID,
    client_file_id: uuid.UUID,
    counts: dict[str, int],
    progress: Progress | None,
) -> JobResult:
    # The blobs go by prefix once the rows are gone: listed and removed a chunk at a time
    # (in directory order on disk, a thousand per call on S3), each chunk's count saved
    # as the job's heartbeat. Nobody reads them meanwhile: the file is `deleting`. A crash
    # here leaves the file `deleting` with some blobs, which the resumed run removes; the
    # blobs of the chunk it died in may go uncounted.
    already = counts["blobs_deleted"]

    def removed(so_far: int) -> None:
        counts["blobs_deleted"] = already + so_far
        with uow:
            _touch(uow, job_id, client_file_id, counts)
            uow.commit()
        if progress is not None:
            progress(counts)

    blobs.delete_prefix(str(client_file_id), removed)
    with uow:
        job = uow.lifecycle.job(job_id, lock=True)
        assert job is not None
        if job.status == DONE:
            return job_result(job)
        counts["access_rows_deleted"] = uow.files.delete_access_rows(client_file_id)
        counts["client_file_rows_deleted"] = uow.files.delete_row(client_file_id)
        job.counts, job.status, job.message = dict(counts), DONE, None
        job.updated_at = job.finished_at = utcnow()
        if counts["client_file_rows_deleted"] == 0:
            # Another run removed the file row, and wrote the audit event in that same
            # transaction: one deletion, one event.
            job.message = "The client file had already been deleted by another job."
            uow.commit()
            return job_result(job)
        from_state = dict(job.params.get("from_state", {}))
        uow.lifecycle.add_event(
            LifecycleEvent(
                job_id=job_id,
                client_file_id=client_file_id,
                practice_id=_uuid_or_none(from_state.get("practice_id")),
                actor_id=job.actor_id,
                action=str(Action.DELETE),
                from_state=from_state,
                to_state={"status": "deleted"},
                counts=dict(counts),
            )
        )
        uow.commit()
        result = job_result(job)
    # An upload that wrote its blob after the first sweep took it back itself, unless it
    # crashed in between: one more sweep leaves nothing behind.
    blobs.delete_prefix(str(client_file_id))
    return result


def _uuid_or_none(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None
