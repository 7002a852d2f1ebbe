"""Retries asked for by message (other services): one document, or a file's failed or
skipped ones. The job id defaults to the Celery task id, so a message delivered twice is
one job and sends the documents once; a refusal is recorded on the job."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

from app.domain.retries import Which
from app.errors import ActionRefused
from app.persistence.uow import UnitOfWork
from app.services import lifecycle, messages, retries
from app.services.lifecycle import JobResult
from app.services.payloads import ResendPayload, RetryPayload, parse
from worker import app
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


@app.task(name=messages.RETRY, **RETRY_OPTIONS)
@rejecting_bad_input(messages.RETRY)
def retry(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(RetryPayload, payload)
    params = {"document_id": str(body.document_id)}

    def run(uow: UnitOfWork, job_id: uuid.UUID) -> JobResult:
        return retries.retry(
            uow, job_id=job_id, actor_id=body.actor_id, document_id=body.document_id
        )

    return _as_job(task, body.job_id, body.actor_id, retries.RETRY, params, run)


@app.task(name=messages.RESEND, **RETRY_OPTIONS)
@rejecting_bad_input(messages.RESEND)
def resend(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(ResendPayload, payload)

    def run(uow: UnitOfWork, job_id: uuid.UUID) -> JobResult:
        return retries.resend(
            uow,
            job_id=job_id,
            actor_id=body.actor_id,
            client_file_id=body.client_file_id,
            which=Which(body.which),
        )

    params = {"which": str(body.which)}
    return _as_job(task, body.job_id, body.actor_id, retries.RESEND, params, run)


def _as_job(
    task: BoundTask,
    job_id: uuid.UUID | None,
    actor_id: uuid.UUID,
    action: str,
    params: dict[str, str],
    run: Callable[[UnitOfWork, uuid.UUID], JobResult],
) -> dict[str, Any]:
    job_id = job_id or uuid.UUID(str(task.request.id))
    uow = runtime().uow
    try:
        result = run(uow(), job_id)
    except ActionRefused as refused:
        file_id = uuid.UUID(refused.ids["client_file_id"])
        result = lifecycle.record_refusal(uow(), job_id, file_id, actor_id, action, params, refused)
    return dataclasses.asdict(result) | {"job_id": str(result.job_id)}
