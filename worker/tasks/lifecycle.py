"""Lifecycle tasks: each validates its message as the action's command (the type the API
and the schedules use) and runs it through the one registry. The job id defaults to the
Celery task id, so a message delivered twice is the same job and runs once."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from app.config import get_settings
from app.services import commands, messages
from app.services.commands import Command, Deactivate, Delete, Detach, Reactivate
from app.services.payloads import JobPayload, parse
from worker import app
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


def _run(task: BoundTask, kind: type[Command], payload: dict[str, Any]) -> dict[str, Any]:
    arguments = dict(payload)
    job = parse(JobPayload, {"job_id": arguments.pop("job_id", None)})
    command = parse(kind, arguments)
    wiring = runtime()
    result = commands.run(
        wiring.uow(),
        wiring.blobs,
        command,
        job_id=job.job_id or uuid.UUID(str(task.request.id)),
        delete_batch_size=wiring.settings.delete_batch_size,
    )
    return dataclasses.asdict(result) | {"job_id": str(result.job_id)}


@app.task(name=messages.DEACTIVATE, **RETRY_OPTIONS)
@rejecting_bad_input(messages.DEACTIVATE)
def deactivate(task: BoundTask, **payload: Any) -> dict[str, Any]:
    return _run(task, Deactivate, payload)


@app.task(name=messages.DETACH, **RETRY_OPTIONS)
@rejecting_bad_input(messages.DETACH)
def detach(task: BoundTask, **payload: Any) -> dict[str, Any]:
    return _run(task, Detach, payload)


@app.task(name=messages.REACTIVATE, **RETRY_OPTIONS)
@rejecting_bad_input(messages.REACTIVATE)
def reactivate(task: BoundTask, **payload: Any) -> dict[str, Any]:
    return _run(task, Reactivate, payload)


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
    return _run(task, Delete, payload)
