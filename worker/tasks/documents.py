"""Document tasks: the gatekeeper and the extraction."""

from __future__ import annotations

import logging
import time
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from app import metrics
from app.domain import reasons
from app.errors import ExtractionTimedOut, UnreadableDocument
from app.extraction import Engine, ExtractionResult
from app.services import documents, extraction, messages, pending
from app.services.payloads import DocumentPayload, GatePendingPayload, parse
from worker import app
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
    report = pending.gate_pending(wiring.uow(), batch_size=wiring.settings.gate_batch_size)
    for outcome, decided in report.outcomes.items():
        metrics.gate_decided(outcome, decided)
    return report.decided


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


log = logging.getLogger(__name__)


class TimeLimited:
    """The engine, timed and counted, with Celery's soft time limit (raised inside it)
    turned into an expected failure the document records, not a crash with a traceback."""

    def __init__(self, engine: Engine, seconds: int) -> None:
        self.engine, self.seconds = engine, seconds
        self.name = engine.name

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        started = time.perf_counter()
        outcome = reasons.ENGINE_ERROR
        try:
            result = self.engine.extract(data, content_type)
            outcome = "extracted"
            return result
        except SoftTimeLimitExceeded:
            outcome = reasons.TIMED_OUT
            raise ExtractionTimedOut(
                f"The extraction took longer than its time limit ({self.seconds} s) and "
                "was stopped. Retry the document once the service is less busy."
            ) from None
        except UnreadableDocument:
            outcome = reasons.UNREADABLE
            raise
        finally:
            seconds = time.perf_counter() - started
            metrics.extraction_ran(self.name, outcome, seconds)
            log.info(
                "extraction ran",
                extra={"engine": self.name, "outcome": outcome, "seconds": round(seconds, 3)},
            )
