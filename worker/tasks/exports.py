"""Export bundles: build the zip of a client file's documents and extracted data."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.config import get_settings
from app.services import export_cleanup, exports, messages
from app.services.payloads import ExportPayload, SweepPayload, parse
from worker import app
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


# A large file takes a while to bundle; a run cut short is rebuilt by the next delivery.
@app.task(
    name=messages.EXPORT,
    time_limit=get_settings().long_task_time_limit_seconds,
    soft_time_limit=get_settings().long_task_time_limit_seconds - 1,
    **RETRY_OPTIONS,
)
@rejecting_bad_input(messages.EXPORT)
def build(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(ExportPayload, payload)
    wiring = runtime()
    result = exports.build(wiring.uow(), wiring.blobs, body.export_id)
    return {key: str(value) for key, value in dataclasses.asdict(result).items()}


@app.task(name=messages.EXPIRE_EXPORTS, **RETRY_OPTIONS)
@rejecting_bad_input(messages.EXPIRE_EXPORTS)
def expire(task: BoundTask, **payload: Any) -> dict[str, Any]:
    parse(SweepPayload, payload)
    wiring = runtime()
    uow = wiring.uow()
    return {"expired": export_cleanup.expire(uow, wiring.blobs, now=uow.clock())}
