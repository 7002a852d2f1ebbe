"""Retries asked for by message (other services, the CLI's `--queue`): one document, or a
file's failed or skipped ones. The job id defaults to the Celery task id, so a message
delivered twice is one job and sends the documents once."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from app.domain.retries import Which
from app.errors import ActionRefused
from app.services import lifecycle, messages, retries
from worker import app
from worker.payloads import ResendPayload, RetryPayload, parse
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


def _job_id(task: BoundTask, job_id: uuid.UUID | None) -> uuid.UUID:
    return job_id or uuid.UUID(str(task.request.id))


@app.task(name=messages.RETRY, **RETRY_OPTIONS)
@rejecting_bad_input(messages.RETRY)
def retry(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(RetryPayload, payload)
    job_id, uow = _job_id(task, body.job_id), runtime().uow
    try:
        result = retries.retry(
            uow(), job_id=job_id, actor_id=body.actor_id, document_id=body.document_id
        )
    except ActionRefused as refused:
        file_id = uuid.UUID(refused.ids["client_file_id"])
        params = {"document_id": str(body.document_id)}
        result = lifecycle.record_refusal(
            uow(), job_id, file_id, body.actor_id, retries.RETRY, params, refused
        )
    return dataclasses.asdict(result) | {"job_id": str(result.job_id)}


@app.task(name=messages.RESEND, **RETRY_OPTIONS)
@rejecting_bad_input(messages.RESEND)
def resend(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(ResendPayload, payload)
    job_id, uow = _job_id(task, body.job_id), runtime().uow
    try:
        result = retries.resend(
            uow(),
            job_id=job_id,
            actor_id=body.actor_id,
            client_file_id=body.client_file_id,
            which=Which(body.which),
        )
    except ActionRefused as refused:
        params = {"which": body.which}
        result = lifecycle.record_refusal(
            uow(), job_id, body.client_file_id, body.actor_id, retries.RESEND, params, refused
        )
    return dataclasses.asdict(result) | {"job_id": str(result.job_id)}
