"""Scheduled maintenance: the sweeper that recovers lost work."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from app.services import messages, sweeper
from app.services.payloads import SweepPayload, parse
from worker import app
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


@app.task(name=messages.SWEEP, **RETRY_OPTIONS)
@rejecting_bad_input(messages.SWEEP)
def sweep(task: BoundTask, **payload: Any) -> dict[str, Any]:
    parse(SweepPayload, payload)
    settings = runtime().settings
    report = sweeper.sweep(
        runtime().uow(),
        stale_after=timedelta(seconds=settings.sweep_stale_after_seconds),
        batch_size=settings.sweep_batch_size,
    )
    return dataclasses.asdict(report)
