"""Lifecycle tasks. The job id defaults to the Celery task id, so a message delivered
twice is the same job and runs once."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from app.config import get_settings
from app.domain.model import Action
from app.services import deletion, lifecycle, messages
from worker import app
from worker.payloads import LifecyclePayload, ReactivatePayload, parse
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


def _job_id(task: BoundTask, body: LifecyclePayload) -> uuid.UUID:
    return body.job_id or uuid.UUID(str(task.request.id))


def _change(
    task: BoundTask, action: Action, body: LifecyclePayload, **params: Any
) -> dict[str, Any]:
    result = lifecycle.change(
        runtime().uow(),
        job_id=_job_id(task, body),
        client_file_id=body.client_file_id,
        actor_id=body.actor_id,
        action=action,
        params=params,
    )
    return dataclasses.asdict(result) | {"job_id": str(result.job_id)}


@app.task(name=messages.DEACTIVATE, **RETRY_OPTIONS)
@rejecting_bad_input(messages.DEACTIVATE)
def deactivate(task: BoundTask, **payload: Any) -> dict[str, Any]:
    return _change(task, Action.DEACTIVATE, parse(LifecyclePayload, payload))


@app.task(name=messages.DETACH, **RETRY_OPTIONS)
@rejecting_bad_input(messages.DETACH)
def detach(task: BoundTask, **payload: Any) -> dict[str, Any]:
    return _change(task, Action.DETACH, parse(LifecyclePayload, payload))


@app.task(name=messages.REACTIVATE, **RETRY_OPTIONS)
@rejecting_bad_input(messages.REACTIVATE)
def reactivate(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(ReactivatePayload, payload)
    return _change(task, Action.REACTIVATE, body, reprocess_skipped=body.reprocess_skipped)


# A big deletion may take longer than an extraction; it must still end before the broker
# would hand its message to another worker. A run cut short resumes where it stopped.
@app.task(
    name=messages.DELETE,
    time_limit=get_settings().long_task_time_limit_seconds,
    soft_time_limit=get_settings().long_task_time_limit_seconds - 1,
    **RETRY_OPTIONS,
)
@rejecting_bad_input(messages.DELETE)
def delete(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(LifecyclePayload, payload)
    wiring = runtime()
    result = deletion.delete(
        wiring.uow(),
        wiring.blobs,
        job_id=_job_id(task, body),
        client_file_id=body.client_file_id,
        actor_id=body.actor_id,
        batch_size=wiring.settings.delete_batch_size,
    )
    return dataclasses.asdict(result) | {"job_id": str(result.job_id)}
