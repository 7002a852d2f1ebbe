"""The deletion grace period (`DOSSIER_DELETION_GRACE_DAYS`): a deleted file is hidden,
refuses uploads and extracts nothing (it is `deleting`), and the deletion can be cancelled
until `purge_after`; then the purge runs, started by the scheduled-actions runner or, if
its message is lost, by the sweeper."""

from __future__ import annotations

import uuid

from app.domain import rules
from app.domain.model import NOT_STARTED_STATUSES, Action, FileState, FileStatus
from app.errors import ActionRefused
from app.persistence.models import ClientFile, LifecycleEvent, LifecycleJob
from app.persistence.uow import UnitOfWork
from app.services import access, idempotency, messages
from app.services.idempotency import Answered, KeyClaim
from app.services.lifecycle import CANCELLED, JobResult, state_dict

CANCEL = ("cancelled", "The deletion was cancelled during its grace period.")


def record_start(
    uow: UnitOfWork, client_file: ClientFile, before: FileState, actor_id: uuid.UUID
) -> None:
    """The audit event of a deletion entering its grace period: the purge's own event
    comes only at its end, which a cancel may never reach."""
    assert client_file.purge_after is not None
    uow.lifecycle.add_event(
        LifecycleEvent(
            client_file_id=client_file.id,
            practice_id=before.practice_id,
            actor_id=actor_id,
            action="delete_requested",
            from_state=state_dict(before),
            to_state={
                **state_dict(uow.files.state(client_file)),
                "purge_after": client_file.purge_after.isoformat(),
            },
        )
    )


def cancel_deletion(
    uow: UnitOfWork, *, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> JobResult:
    """Give the file back as it was before the deletion; its waiting documents go back
    through the gatekeeper. Refused once the grace period is over."""
    return cancel_deletion_once(uow, None, client_file_id=client_file_id, actor_id=actor_id).value


def cancel_deletion_once(
    uow: UnitOfWork, claim: KeyClaim | None, *, client_file_id: uuid.UUID, actor_id: uuid.UUID
) -> Answered[JobResult]:
    """`cancel_deletion`, once per idempotency key: sent again, it gets the first answer
    rather than the refusal a file no longer being deleted would give."""
    return idempotency.answered(
        uow, claim, JobResult, lambda: _cancel_deletion(uow, client_file_id, actor_id)
    )


def _cancel_deletion(uow: UnitOfWork, client_file_id: uuid.UUID, actor_id: uuid.UUID) -> JobResult:
    actor = uow.users.actor(actor_id)
    client_file = access.visible_file(uow, actor, client_file_id, lock="update", in_grace=True)
    assert actor is not None  # visible_file found no file for a missing actor
    state = uow.files.state(client_file)
    refusal = rules.cancel_deletion_refusal(state, actor, uow.clock())
    if refusal is not None:
        raise ActionRefused(refusal.message, reason=refusal.reason, client_file_id=client_file_id)
    jobs = _cancel_jobs(uow, client_file_id)
    before = dict(jobs[0].params.get("from_state", {})) if jobs else {}
    client_file.status = FileStatus(before.get("status", FileStatus.ACTIVE))
    client_file.purge_after, client_file.updated_at = None, uow.clock()
    counts = {"documents_resent": _resend_waiting(uow, client_file)}
    uow.lifecycle.add_event(
        LifecycleEvent(
            client_file_id=client_file_id,
            practice_id=state.practice_id,
            actor_id=actor_id,
            action="cancel_delete",
            from_state=state_dict(state),
            to_state=state_dict(uow.files.state(client_file)),
            counts=counts,
        )
    )
    job_id = jobs[0].id if jobs else uuid.uuid4()
    return JobResult(job_id, client_file_id, str(Action.DELETE), CANCELLED, counts, *CANCEL)


def _cancel_jobs(uow: UnitOfWork, client_file_id: uuid.UUID) -> list[LifecycleJob]:
    cancelled = []
    while (job := uow.lifecycle.running_delete_job(client_file_id)) is not None:
        job.status, (job.reason, job.message) = CANCELLED, CANCEL
        job.updated_at = job.finished_at = uow.clock()
        uow.session.flush()  # so the next lookup finds the next running job, if any
        cancelled.append(job)
    return cancelled


def _resend_waiting(uow: UnitOfWork, client_file: ClientFile) -> int:
    """Documents the gate dropped while the file was deleting wait, not started: decide
    them again now rather than when the sweeper finds them."""
    waiting = [
        d.id for d in uow.documents.in_file(client_file.id) if d.status in NOT_STARTED_STATUSES
    ]
    for document_id in waiting:
        task_id = uuid.uuid4()
        uow.documents.resend(document_id, task_id)
        uow.enqueue(messages.gate(document_id, task_id))
    return len(waiting)
