"""Scheduled actions: recording one (for other services) and running those that are due;
and the webhook deliveries that are due (both sent by beat every
`DOSSIER_SCHEDULE_INTERVAL_SECONDS`)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from typing import Any

from app.config import get_settings
from app.domain.model import Action
from app.services import due_actions, messages, schedules, webhooks
from app.services.payloads import SchedulePayload, SweepPayload, parse
from worker import app
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


@app.task(name=messages.SCHEDULE, **RETRY_OPTIONS)
@rejecting_bad_input(messages.SCHEDULE)
def schedule(task: BoundTask, **payload: Any) -> dict[str, Any]:
    body = parse(SchedulePayload, payload)
    params = {} if body.reprocess_skipped is None else {"reprocess_skipped": body.reprocess_skipped}
    recorded = schedules.schedule(
        runtime().uow(),
        client_file_id=body.client_file_id,
        actor_id=body.actor_id,
        action=Action(body.action),
        run_at=body.run_at,
        params=params,
        # A message delivered twice records one schedule.
        schedule_id=body.schedule_id or uuid.UUID(str(task.request.id)),
    )
    return {"schedule_id": str(recorded.id), "status": recorded.status}


# A due deletion runs here in full, so this task gets the deletions' time limit; a run cut
# short leaves its schedule running, and a later run takes it over once it is stale.
@app.task(
    name=messages.RUN_DUE_ACTIONS,
    time_limit=get_settings().long_task_time_limit_seconds,
    soft_time_limit=get_settings().long_task_time_limit_seconds - 1,
    **RETRY_OPTIONS,
)
@rejecting_bad_input(messages.RUN_DUE_ACTIONS)
def run_due_actions(task: BoundTask, **payload: Any) -> dict[str, Any]:
    parse(SweepPayload, payload)
    wiring = runtime()
    report = due_actions.run_due(
        wiring.uow(),
        wiring.blobs,
        stale_after=timedelta(seconds=wiring.settings.broker_visibility_timeout_seconds),
        delete_batch_size=wiring.settings.delete_batch_size,
    )
    return dataclasses.asdict(report)


@app.task(name=messages.DELIVER_WEBHOOKS, **RETRY_OPTIONS)
@rejecting_bad_input(messages.DELIVER_WEBHOOKS)
def deliver_webhooks(task: BoundTask, **payload: Any) -> dict[str, Any]:
    parse(SweepPayload, payload)
    wiring = runtime()
    # Practices' endpoints get deliveries too: the task runs with or without operator URLs.
    report = webhooks.deliver_over_http(wiring.uow(), wiring.settings)
    return dataclasses.asdict(report)
