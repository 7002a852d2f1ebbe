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
from app.persistence.models import ClientFile, LifecycleEvent, LifecycleJob
from app.persistence.uow import UnitOfWork
from app.services import grace as grace_period
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
ALREADY_DELETED = "The client file had already been deleted by another job."


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
    """Delete the file completely. Safe to run again, with the same job or another one,
    one after the other or at the same moment: a file already `deleting` is resumed, a
    finished job returns its result, a file another job removed ends this job `done`."""
    try:
        job = _start(uow, job_id, client_file_id, actor_id)
    except ActionRefused as refused:
        return record_refusal(uow, job_id, client_file_id, actor_id, Action.DELETE, {}, refused)
    if job.status in FINISHED:
        return job_result(job)
    waiting = _grace_left(uow, job, client_file_id)
    if waiting is not None:
        return waiting
    # Each batch is the next range of the file's ids, so what is left of a big file is
    # never sorted again; a last walk from the start finds any row the walk went past.
    after: uuid.UUID | None = None
    while True:
        deleted, last, counts = _delete_batch(uow, job.id, client_file_id, batch_size, after)
        if deleted == 0 and after is None:
            break
        after = last  # None once a batch took the rest: walk again from the start
        if deleted and progress is not None:
            progress(counts)
    return _finish(uow, blobs, job.id, client_file_id, progress)


def _start(
    uow: UnitOfWork, job_id: uuid.UUID, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> LifecycleJob:
    """Mark the file `deleting` (uploads refused, gate drops) and record the job."""
    with uow:
        # Lock order, as everywhere: the file, then its jobs. Two runs of one job wait
        # here for each other, and the second finds the job the first recorded.
        client_file = uow.files.lock(client_file_id)
        job = uow.lifecycle.job(job_id, lock=True)
        if job is not None and job.status in FINISHED:
            uow.commit()  # not a rollback: that would expire the job the caller reads
            return job
        if client_file is None:
            if job is None:  # never started: was the file deleted by another job?
                job = _found_deleted(uow, job_id, client_file_id, actor_id)
            uow.commit()
            return job
        from_state = _mark_deleting(uow, client_file, job, actor_id)
        if job is not None and job.status != RUNNING:
            # Recorded by a caller before dispatch (e.g. as pending): it starts now.
            job.status, job.actor_id = RUNNING, job.actor_id or actor_id
            job.counts = {**_zero_counts(), **job.counts}
            job.params = {**job.params, "from_state": from_state}
        if job is None:
            job = _record_job(uow, job_id, client_file_id, actor_id, RUNNING, from_state)
        uow.commit()
        return job


def _mark_deleting(
    uow: UnitOfWork, client_file: ClientFile, job: LifecycleJob | None, actor_id: uuid.UUID
) -> dict[str, Any]:
    """Set the file `deleting` unless it is already; return its state before the deletion."""
    if client_file.status is FileStatus.DELETING:
        # Resuming: the state before the deletion is on the job that started it.
        earlier = job or uow.lifecycle.running_delete_job(client_file.id)
        return dict(earlier.params.get("from_state", {})) if earlier else {}
    _, state, _ = authorise(uow, client_file.id, actor_id, Action.DELETE)
    client_file.status = FileStatus.DELETING
    client_file.updated_at = uow.clock()
    grace = uow.policy.deletion_grace
    # With a grace period the file is hidden and the deletion cancellable until then.
    client_file.purge_after = client_file.updated_at + grace if grace else None
    if client_file.purge_after is not None:
        grace_period.record_start(uow, client_file, state, actor_id)
    return state_dict(state)


def _found_deleted(
    uow: UnitOfWork, job_id: uuid.UUID, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> LifecycleJob:
    """A deletion that lost the race to another one ends `done`, saying so; a file that
    never existed (or that the actor could never see) stays not found."""
    deleted = uow.lifecycle.deletion_event(client_file_id)
    actor = uow.users.actor(actor_id)
    if deleted is None or actor is None or not actor.can_see(client_file_id, deleted.practice_id):
        raise NotFound("No such client file.", client_file_id=client_file_id)
    return _record_job(uow, job_id, client_file_id, actor_id, DONE, {})


def _record_job(
    uow: UnitOfWork,
    job_id: uuid.UUID,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    status: str,
    from_state: dict[str, Any],
) -> LifecycleJob:
    """Insert the job, or take the one a run of the same job id at the same moment
    recorded first."""
    now = uow.clock()
    job, _ = uow.lifecycle.add_job_unless_present(
        LifecycleJob(
            id=job_id,
            client_file_id=client_file_id,
            action=str(Action.DELETE),
            actor_id=actor_id,
            params={"from_state": from_state},
            status=status,
            counts=_zero_counts(),
            message=ALREADY_DELETED if status == DONE else None,
            created_at=now,
            updated_at=now,
            finished_at=now if status == DONE else None,
        )
    )
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
    after: uuid.UUID | None,
) -> tuple[int, uuid.UUID | None, dict[str, int]]:
    """Delete the rows of the next batch (ids above `after`); return how many documents
    went, the batch's last id (None when it took all that was left) and the job's counts."""
    with uow:
        # The file lock serialises batches of two runs resuming the same deletion, and
        # keeps out gates, claims and results (they hold it FOR SHARE).
        if uow.files.lock(client_file_id) is None:
            return 0, None, {}
        last = uow.documents.batch_end(client_file_id, batch_size, after)
        documents, extractions = uow.documents.delete_range(client_file_id, after, last)
        if documents == 0:
            return 0, None, {}
        added = {"documents_deleted": documents, "extractions_deleted": extractions}
        counts = _add_counts(uow, job_id, client_file_id, added)
        uow.commit()
    return documents, last, counts


def _add_counts(
    uow: UnitOfWork, job_id: uuid.UUID, client_file_id: uuid.UUID, added: dict[str, int]
) -> dict[str, int]:
    """Add to the job's counts in the database, not from what this run remembers, so two
    runs of one job at the same moment count each row once; touch the file as well."""
    now = uow.clock()
    # A heartbeat the sweeper reads; the file first (lock order), and a statement that
    # changes nothing once another job has removed the row.
    uow.files.touch(client_file_id, now)
    job = uow.lifecycle.job(job_id, lock=True)
    if job is None:
        return dict(added)
    counts = {**_zero_counts(), **job.counts}
    for name, value in added.items():
        counts[name] = counts.get(name, 0) + value
    job.counts, job.updated_at = counts, now
    return dict(counts)


def _finish(
    uow: UnitOfWork,
    blobs: BlobStore,
    job_id: uuid.UUID,
    client_file_id: uuid.UUID,
    progress: Progress | None,
) -> JobResult:
    # The blobs go by prefix once the rows are gone: listed and removed a chunk at a time
    # (in directory order on disk, a thousand per call on S3), each chunk's count added
    # to the job as its heartbeat. Nobody reads them meanwhile: the file is `deleting`. A
    # crash here leaves the file `deleting` with some blobs, which the resumed run
    # removes; the blobs of the chunk it died in may go uncounted.
    reported = 0

    def removed(so_far: int) -> None:
        nonlocal reported
        with uow:
            counts = _add_counts(uow, job_id, client_file_id, {"blobs_deleted": so_far - reported})
            uow.commit()
        reported = so_far
        if progress is not None:
            progress(counts)

    blobs.delete_prefix(str(client_file_id), removed)
    with uow:
        result = _remove_file_row(uow, job_id, client_file_id)
    # An upload that wrote its blob after the first sweep took it back itself, unless it
    # crashed in between: one more sweep leaves nothing behind.
    blobs.delete_prefix(str(client_file_id))
    return result


def _remove_file_row(uow: UnitOfWork, job_id: uuid.UUID, client_file_id: uuid.UUID) -> JobResult:
    """Remove the access rows and the file row, end the job and write the audit event."""
    uow.files.lock(client_file_id)  # lock order: the file (if still there), then the job
    job = uow.lifecycle.job(job_id, lock=True)
    assert job is not None
    if job.status == DONE:
        return job_result(job)
    counts = {**_zero_counts(), **job.counts}
    counts["access_rows_deleted"] = uow.files.delete_access_rows(client_file_id)
    counts["client_file_rows_deleted"] = uow.files.delete_row(client_file_id)
    # The grace period's removal date no longer applies once the file is gone.
    job.counts, job.status, job.message = counts, DONE, None
    job.updated_at = job.finished_at = uow.clock()
    if counts["client_file_rows_deleted"] == 0:
        # Another job removed the file row, and wrote the audit event in that same
        # transaction: one deletion, one event.
        job.message = ALREADY_DELETED
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
    return job_result(job)


def _uuid_or_none(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None
