"""Lifecycle changes asked for over the API: checked at once (a refusal changes nothing),
recorded as a pending request, then run by a worker under the request's job id. The
client-side actions are quick and run at once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.domain.model import Action
from app.errors import ActionRefused
from app.persistence.auth import LifecycleRequest
from app.persistence.uow import UnitOfWork
from app.services import access, commands, idempotency, keyed_jobs, lifecycle, messages
from app.services.commands import Command
from app.services.idempotency import KeyClaim
from app.services.lifecycle import REFUSED, JobResult, authorise
from app.storage import BlobStore


def check(
    uow: UnitOfWork, *, client_file_id: uuid.UUID, actor_id: uuid.UUID, action: Action
) -> None:
    """Raise NotFound or ActionRefused exactly as the job would; never writes."""
    with uow:
        authorise(uow, client_file_id, actor_id, action)


@dataclass(frozen=True, slots=True)
class Requested:
    job_id: uuid.UUID
    created_at: datetime
    # To send (its task id is the job id); None when this is the first answer to an
    # idempotency key given again, whose message left with the first request.
    message: messages.TaskMessage | None

    def as_record(self) -> dict[str, Any]:
        return {"job_id": str(self.job_id), "created_at": self.created_at.isoformat()}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Requested:
        return cls(uuid.UUID(record["job_id"]), datetime.fromisoformat(record["created_at"]), None)


def request(uow: UnitOfWork, command: Command, claim: KeyClaim | None = None) -> Requested:
    """Check the change, record it as pending and return the task message to send.

    The check and the record share one transaction holding the file's row lock; the
    worker checks again when it runs, so a change made in between is refused then. With
    an idempotency `claim`, a request sent again gets the first answer and sends nothing.
    """
    job_id, now = uuid.uuid4(), uow.clock()
    with uow:
        first = idempotency.previous(uow, claim)
        if first is None:
            first = _authorised_or_answered(uow, command, claim)
        if first is not None:
            return Requested.from_record(first)
        uow.requests.add(
            LifecycleRequest(
                id=job_id,
                client_file_id=command.client_file_id,
                action=str(command.action),
                actor_id=command.actor_id,
                params=command.params(),
                created_at=now,
            )
        )
        requested = Requested(job_id, now, command.message(job_id))
        # Two requests with one key wait for each other on the file's lock above; the
        # second finds the first's answer here.
        first = idempotency.remember(uow, claim, requested.as_record())
        if first is not None:
            return Requested.from_record(first)
        uow.commit()
        return requested


def _authorised_or_answered(
    uow: UnitOfWork, command: Command, claim: KeyClaim | None
) -> dict[str, Any] | None:
    """Authorise the change; None when allowed. A refusal that comes after a request with
    the same key was accepted (and maybe already run) is that request's answer instead."""
    try:
        authorise(uow, command.client_file_id, command.actor_id, command.action)
    except ActionRefused:
        first = idempotency.previous(uow, claim)
        if first is None:
            raise
        return first
    return None


def message_for(request: LifecycleRequest) -> messages.TaskMessage:
    command = commands.command_for(
        request.action,
        client_file_id=request.client_file_id,
        actor_id=request.actor_id,
        params=request.params,
    )
    return command.message(request.id)


def runnable(uow: UnitOfWork, request: LifecycleRequest) -> bool:
    """Whether a worker could still run the request: the task rejects one whose file is
    gone or no longer visible to its requester, and records no job for it."""
    actor = uow.users.actor(request.actor_id)
    return access.sees(actor, uow.files.get(request.client_file_id), in_grace=True)


def resend_unclaimed(
    uow: UnitOfWork, *, stale_after: timedelta, limit: int = 1000, now: datetime | None = None
) -> int:
    """Send again the requests no worker has picked up (a broker that restarted empty
    loses them). Safe: a job runs once per job id, whoever delivers it."""
    with uow:
        stale = uow.requests.unclaimed((now or uow.clock()) - stale_after, limit)
        resent = [request for request in stale if runnable(uow, request)]
        for request in resent:
            uow.enqueue(message_for(request))
        uow.commit()
        return len(resent)


def withdraw(uow: UnitOfWork, job_id: uuid.UUID, claim: KeyClaim | None = None) -> None:
    """Forget a request whose message could not be sent: no job will ever run for it, and
    its idempotency key is free for the request sent again."""
    with uow:
        uow.requests.remove(job_id)
        idempotency.forget(uow, claim)
        uow.commit()


def run_now(
    uow: UnitOfWork, blobs: BlobStore, command: Command, claim: KeyClaim | None = None
) -> keyed_jobs.Ran:
    """Run a quick change in this process. A refusal found by the check raises and
    writes nothing; one found only by the change itself (the file changed in between)
    is recorded on its job like any refused job, then raised the same way. With an
    idempotency `claim`, the same request sent again gets the first result."""

    def work(job_id: uuid.UUID) -> JobResult:
        done = None
        if claim is not None:  # sent again: the job may have run, and changed the file
            with uow:
                done = lifecycle.finished_job(uow, job_id)
        if done is None or done.status == REFUSED:
            check(
                uow,
                client_file_id=command.client_file_id,
                actor_id=command.actor_id,
                action=command.action,
            )
        result = commands.run(uow, blobs, command, job_id=job_id)
        if result.status == REFUSED:
            # The file changed between the check and the change: report it like the check.
            raise ActionRefused(
                result.message or "This action is not allowed now.",
                reason=result.reason or "refused",
                client_file_id=command.client_file_id,
            )
        return result

    return keyed_jobs.run(uow, claim, work)
