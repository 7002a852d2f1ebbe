"""Document tasks: the gatekeeper and the extraction."""

from __future__ import annotations

from typing import Any

from app.services import documents, extraction, messages
from worker import app
from worker.payloads import DocumentPayload, parse
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, rejecting_bad_input


@app.task(name=messages.GATE, **RETRY_OPTIONS)
@rejecting_bad_input(messages.GATE)
def gate(task: BoundTask, **payload: Any) -> str:
    body = parse(DocumentPayload, payload)
    wiring = runtime()
    return documents.gate(
        wiring.uow(), body.document_id, batch_size=wiring.settings.gate_batch_size
    )


@app.task(name=messages.EXTRACT, **RETRY_OPTIONS)
@rejecting_bad_input(messages.EXTRACT)
def extract(task: BoundTask, **payload: Any) -> str:
    body = parse(DocumentPayload, payload)
    wiring = runtime()
    return extraction.extract(
        wiring.uow(),
        wiring.blobs,
        wiring.extractor,
        body.document_id,
        extraction.ExtractionLimits.from_settings(wiring.settings),
    )
