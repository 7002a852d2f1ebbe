"""Sending documents for extraction again: one document that failed or was skipped
(`retry`), or all of a file's failed or skipped ones (`resend`, with a preview of the
count). Each is a job like a lifecycle change: it holds the file's row lock FOR UPDATE, so
it never interleaves with one; it runs once per job id, so a message delivered twice
acts once; and it leaves a job and an audit event. Refused, it changes nothing."""

from __future__ import annotations

import uuid

from app.domain.model import JobStatus
from app.domain.retries import Which, document_refusal, file_refusal
from app.domain.rules import Refusal
from app.errors import ActionRefused, NotFound
from app.persistence.models import ClientFile, LifecycleEvent, LifecycleJob
from app.persistence.uow import UnitOfWork
from app.services import access, messages
from app.services.lifecycle import DONE, JobResult, finished_job, state_dict

RETRY, RESEND = "retry", "resend"


def retry(
    uow: UnitOfWork, *, job_id: uuid.UUID, actor_id: uuid.UUID, document_id: uuid.UUID
) -> JobResult:
    """Send one failed or skipped document to the gatekeeper again; raise ActionRefused
    (nothing changed) when its state or its file's does not allow it."""
    with uow:
        client_file_id = uow.documents.file_id_of(document_id)
        if client_file_id is None:
            raise NotFound("No such document.", document_id=document_id)
        uow.files.lock(client_file_id)
        # Under the file's lock: a duplicate delivery running at the same moment waited
        # for it, and finds the first one's job here.
        finished = finished_job(uow, job_id)
        if finished is not None:
            return finished
        client_file = _open_for_retry(uow, client_file_id, actor_id, document_id=document_id)
        document = uow.documents.lock(document_id)
        if document is None:
            raise NotFound("No such document.", document_id=document_id)
        refusal = document_refusal(document.status)
        if refusal is not None:
            raise _refused(refusal, client_file_id, document_id=document_id)
        counts = _send_again(uow, [document_id])
        _record(
            uow, job_id, RETRY, client_file, actor_id, {"document_id": str(document_id)}, counts
        )
        uow.commit()
        return JobResult(job_id, client_file_id, RETRY, DONE, counts)


def resend(
    uow: UnitOfWork,
    *,
    job_id: uuid.UUID,
    actor_id: uuid.UUID,
    client_file_id: uuid.UUID,
    which: Which,
    dry_run: bool = False,
) -> JobResult:
    """Send all of the file's failed (or skipped) documents again. A dry run makes the
    same checks and counts them, changing nothing; its job id is not recorded."""
    with uow:
        uow.files.lock(client_file_id)
        finished = finished_job(uow, job_id)
        if finished is not None:
            return finished
        client_file = _open_for_retry(uow, client_file_id, actor_id)
        document_ids = uow.retries.ids_in(client_file_id, which.status)
        if dry_run:
            return JobResult(
                job_id, client_file_id, RESEND, JobStatus.PREVIEW, {"documents": len(document_ids)}
            )
        counts = _send_again(uow, document_ids)
        _record(uow, job_id, RESEND, client_file, actor_id, {"which": str(which)}, counts)
        uow.commit()
        return JobResult(job_id, client_file_id, RESEND, DONE, counts)


def _open_for_retry(
    uow: UnitOfWork,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    *,
    document_id: uuid.UUID | None = None,
) -> ClientFile:
    actor = uow.users.actor(actor_id)
    client_file = access.visible_file(
        uow, actor, client_file_id, in_grace=True, document_id=document_id
    )
    refusal = file_refusal(client_file.status, client_file.billing)
    if refusal is not None:
        raise _refused(refusal, client_file_id, document_id=document_id)
    return client_file


def _refused(refusal: Refusal, client_file_id: uuid.UUID, **ids: uuid.UUID | None) -> ActionRefused:
    return ActionRefused(
        refusal.message, reason=refusal.reason, client_file_id=client_file_id, **ids
    )


def _send_again(uow: UnitOfWork, document_ids: list[uuid.UUID]) -> dict[str, int]:
    gate_messages = {document_id: uuid.uuid4() for document_id in document_ids}
    uow.retries.reset(gate_messages)
    for document_id, message_id in gate_messages.items():
        uow.enqueue(messages.gate(document_id, message_id))
    return {"documents_resent": len(gate_messages)}


def _record(
    uow: UnitOfWork,
    job_id: uuid.UUID,
    action: str,
    client_file: ClientFile,
    actor_id: uuid.UUID,
    params: dict[str, str],
    counts: dict[str, int],
) -> None:
    now = uow.clock()
    state = state_dict(uow.files.state(client_file))
    uow.lifecycle.add_job(
        LifecycleJob(
            id=job_id,
            client_file_id=client_file.id,
            action=action,
            actor_id=actor_id,
            params=params,
            status=DONE,
            counts=counts,
            created_at=now,
            updated_at=now,
            finished_at=now,
        )
    )
    uow.lifecycle.add_event(
        LifecycleEvent(
            job_id=job_id,
            client_file_id=client_file.id,
            practice_id=client_file.practice_id,
            actor_id=actor_id,
            action=action,
            from_state=state,
            to_state=state,
            counts=counts,
        )
    )
