"""Document tasks: the gatekeeper and the extraction."""

from __future__ import annotations

from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from app.errors import ExtractionTimedOut
from app.extraction import Engine, ExtractionResult
from app.services import documents, extraction, messages, pending
from worker import app
from worker.payloads import DocumentPayload, GatePendingPayload, parse
from worker.runtime import runtime, take_up_gate_nudge
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


@app.task(name=messages.GATE, **RETRY_OPTIONS)
@rejecting_bad_input(messages.GATE)
def gate(task: BoundTask, **payload: Any) -> str:
    body = parse(DocumentPayload, payload)
    wiring = runtime()
    return documents.gate(
        wiring.uow(), body.document_id, batch_size=wiring.settings.gate_batch_size
    )


@app.task(name=messages.GATE_PENDING, **RETRY_OPTIONS)
@rejecting_bad_input(messages.GATE_PENDING)
def gate_pending(task: BoundTask, **payload: Any) -> int:
    parse(GatePendingPayload, payload)
    take_up_gate_nudge()
    wiring = runtime()
    return pending.gate_pending(wiring.uow(), batch_size=wiring.settings.gate_batch_size).decided


@app.task(name=messages.EXTRACT, **RETRY_OPTIONS)
@rejecting_bad_input(messages.EXTRACT)
def extract(task: BoundTask, **payload: Any) -> str:
    body = parse(DocumentPayload, payload)
    wiring = runtime()
    return extraction.extract(
        wiring.uow(),
        wiring.blobs,
        TimeLimited(wiring.extractor, wiring.settings.extraction_time_limit_seconds),
        body.document_id,
        extraction.ExtractionLimits.from_settings(wiring.settings),
    )


class TimeLimited:
    """The engine, with Celery's soft time limit (raised inside it) turned into an
    expected failure the document records, not a crash with a traceback."""

    def __init__(self, engine: Engine, seconds: int) -> None:
        self.engine, self.seconds = engine, seconds
        self.name = engine.name

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        try:
            return self.engine.extract(data, content_type)
        except SoftTimeLimitExceeded:
            raise ExtractionTimedOut(
                f"The extraction took longer than its time limit ({self.seconds} s) and "
                "was stopped. Retry the document once the service is less busy."
            ) from None
