"""Lifecycle changes: deactivate, reactivate, detach (one transaction each) and the
client-side actions. Deletion, which runs in batches, lives in `deletion`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from app.domain import rules
from app.domain.gatekeeper import Decision, verdict
from app.domain.model import (
    Action,
    Actor,
    FileState,
    FileStatus,
    JobStatus,
    SkipReason,
)
from app.errors import ActionRefused, InvalidInput, NotFound
from app.persistence.models import ClientFile, LifecycleEvent, LifecycleJob
from app.persistence.uow import UnitOfWork
from app.services import access, mail, messages

# Kept as names here: the services compare and record job statuses by them.
DONE, REFUSED, RUNNING = JobStatus.DONE, JobStatus.REFUSED, JobStatus.RUNNING
CANCELLED = JobStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class JobResult:
    job_id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    status: JobStatus
    counts: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    message: str | None = None


def job_result(job: LifecycleJob) -> JobResult:
    return JobResult(
        job.id,
        job.client_file_id,
        job.action,
        JobStatus(job.status),
        dict(job.counts),
        job.reason,
        job.message,
    )


def authorise(
    uow: UnitOfWork, client_file_id: uuid.UUID, actor_id: uuid.UUID, action: Action
) -> tuple[ClientFile, FileState, Actor]:
    """Lock the file FOR UPDATE and check the rules; raise NotFound or ActionRefused."""
    client_file, actor = locate(uow, client_file_id, actor_id)
    state = uow.files.state(client_file)
    refuse(rules.refusal(action, state, actor, now=uow.clock(), policy=uow.policy), client_file_id)
    return client_file, state, actor


def locate(
    uow: UnitOfWork, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> tuple[ClientFile, Actor]:
    """Lock the file FOR UPDATE; NotFound unless the actor may see it."""
    actor = uow.users.actor(actor_id)
    if actor is None:
        raise NotFound("No such user.", user_id=actor_id)
    # A file in its grace period is found: the rules refuse it, with their reason.
    client_file = access.visible_file(uow, actor, client_file_id, lock="update", in_grace=True)
    return client_file, actor


def refuse(refusal: rules.Refusal | None, client_file_id: uuid.UUID) -> None:
    """Raise the refusal, if there is one, as the error the caller is shown."""
    if refusal is not None:
        raise ActionRefused(
            refusal.message,
            reason=refusal.reason,
            client_file_id=client_file_id,
            until=refusal.until.isoformat() if refusal.until else None,
        )


def change(
    uow: UnitOfWork,
    *,
    job_id: uuid.UUID,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    action: Action,
    params: dict[str, Any] | None = None,
) -> JobResult:
    """Run one lifecycle change as a job. Running it twice with the same job id gives the
    first run's result; a refusal is recorded on the job and changes nothing else."""
    params = params or {}
    try:
        with uow:
            # Lock first: a duplicate of this job running at the same moment waits here,
            # then finds the job finished instead of the state the first run left.
            uow.files.lock(client_file_id)
            finished = finished_job(uow, job_id)
            if finished is not None:
                return finished
            client_file, state, actor = authorise(uow, client_file_id, actor_id, action)
            counts = _apply(uow, client_file, state, actor, action, params)
            record(uow, job_id, client_file, state, actor_id, action, params, counts)
            uow.commit()
            return JobResult(job_id, client_file_id, str(action), DONE, counts)
    except ActionRefused as refused:
        return record_refusal(uow, job_id, client_file_id, actor_id, action, params, refused)


def finished_job(uow: UnitOfWork, job_id: uuid.UUID) -> JobResult | None:
    """The job's outcome if it already ran to one (done or refused)."""
    job = uow.lifecycle.job(job_id)
    if job is not None and job.status in (DONE, REFUSED):
        return job_result(job)
    return None


def _apply(
    uow: UnitOfWork,
    client_file: ClientFile,
    state: FileState,
    actor: Actor,
    action: Action,
    params: dict[str, Any],
) -> dict[str, int]:
    if action in (Action.INVITE_CLIENT_USER, Action.ATTACH):
        # Each waits for the other side's consent: `invitations` and `attach`.
        raise InvalidInput(f"{action} is asked for, then accepted, not changed at once.")
    # Told before the change, while the file still names the practice that made it.
    mail.tell_clients(uow, client_file, action)
    new_state = rules.apply(action, state)
    client_file.practice_id = new_state.practice_id
    client_file.billing = new_state.billing
    if new_state.status is not client_file.status:
        client_file.status = new_state.status
        client_file.deactivated_at = (
            uow.clock() if new_state.status is FileStatus.DEACTIVATED else None
        )
    client_file.updated_at = uow.clock()
    counts = purge(uow, client_file)
    if action is Action.REACTIVATE and params.get("reprocess_skipped"):
        counts["documents_resent"] = resend_skipped(uow, client_file.id)
    return counts


def purge(uow: UnitOfWork, client_file: ClientFile) -> dict[str, int]:
    """When the file may no longer extract, skip its not-yet-started documents in one
    statement and revoke their messages. The database decides; the revoke only saves work."""
    ruling = verdict(client_file.status, client_file.billing)
    if ruling.decision is not Decision.SKIP or ruling.reason is None:
        return {}
    task_ids = uow.documents.skip_not_started(client_file.id, ruling.reason)
    uow.revoke(task_ids)
    return {"documents_skipped": len(task_ids), "tasks_revoked": len(task_ids)}


def resend_skipped(uow: UnitOfWork, client_file_id: uuid.UUID) -> int:
    """Send the documents skipped while the file was deactivated back to the gatekeeper."""
    reason = SkipReason.CLIENT_FILE_DEACTIVATED
    document_ids = uow.documents.skipped_for(client_file_id, reason)
    for document_id in document_ids:
        task_id = uuid.uuid4()
        uow.documents.resend(document_id, task_id)
        uow.enqueue(messages.gate(document_id, task_id))
    return len(document_ids)


def record(
    uow: UnitOfWork,
    job_id: uuid.UUID,
    client_file: ClientFile,
    before: FileState,
    actor_id: uuid.UUID,
    action: str,
    params: dict[str, Any],
    counts: dict[str, int],
) -> None:
    """Write the change's job (done) and its audit event, in the caller's transaction."""
    now = uow.clock()
    job, _ = uow.lifecycle.add_job_unless_present(
        LifecycleJob(
            id=job_id,
            client_file_id=client_file.id,
            action=str(action),
            status=DONE,
            created_at=now,
        )
    )
    job.actor_id, job.params, job.counts, job.status = actor_id, params, counts, DONE
    job.updated_at = job.finished_at = now
    uow.lifecycle.add_event(
        LifecycleEvent(
            job_id=job_id,
            client_file_id=client_file.id,
            practice_id=before.practice_id,
            actor_id=actor_id,
            action=str(action),
            from_state=state_dict(before),
            to_state=state_dict(uow.files.state(client_file)),
            counts=counts,
        )
    )


def state_dict(state: FileState) -> dict[str, Any]:
    return {
        "practice_id": str(state.practice_id) if state.practice_id else None,
        "billing": str(state.billing),
        "status": str(state.status),
        "client_users": state.client_user_count,
        "pending_invitations": state.pending_invitations,
    }


def record_refusal(
    uow: UnitOfWork,
    job_id: uuid.UUID,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    action: str,
    params: dict[str, Any],
    refused: ActionRefused,
) -> JobResult:
    with uow:
        now = uow.clock()
        # Two runs of one job refused at the same moment both get here: the job's id
        # decides which one records it.
        job, created = uow.lifecycle.add_job_unless_present(
            LifecycleJob(
                id=job_id,
                client_file_id=client_file_id,
                action=str(action),
                status=REFUSED,
                created_at=now,
            )
        )
        if not created and job.status in (DONE, REFUSED):
            return job_result(job)  # a refusal never overwrites an outcome
        job.actor_id, job.params, job.status = actor_id, params, REFUSED
        job.reason, job.message = refused.reason, refused.message
        job.updated_at = job.finished_at = now
        uow.commit()
        return job_result(job)
