"""The mail sender: delivers the outbox's due messages over SMTP (beat sends it)."""

from __future__ import annotations

import dataclasses
from typing import Any

from app.services import messages, smtp
from app.services.payloads import SweepPayload, parse
from worker import app
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


@app.task(name=messages.SEND_MAIL, **RETRY_OPTIONS)
@rejecting_bad_input(messages.SEND_MAIL)
def send_mail(task: BoundTask, **payload: Any) -> dict[str, Any]:
    parse(SweepPayload, payload)
    wiring = runtime()
    return dataclasses.asdict(smtp.deliver(wiring.uow(), wiring.settings))
