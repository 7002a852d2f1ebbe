"""Documents handed over by other services, and the clean-up of what they leave behind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery.exceptions import Reject

from app.errors import ActionRefused
from app.persistence.models import utcnow
from app.services import idempotency, ingest, messages
from app.services.payloads import IngestPayload, SweepPayload, parse
from worker import app
from worker.runtime import runtime
from worker.tasks.base import RETRY_OPTIONS, BoundTask, log, rejecting_bad_input


@app.task(name=messages.INGEST, **RETRY_OPTIONS)
@rejecting_bad_input(messages.INGEST)
def ingest_document(task: BoundTask, **payload: Any) -> dict[str, Any]:
    handover = ingest.Handover(**parse(IngestPayload, payload).model_dump())
    wiring = runtime()
    retention = timedelta(hours=wiring.settings.idempotency_retention_hours)
    claim = ingest.claim_for(handover, str(task.request.id), retention)
    try:
        result = ingest.ingest(wiring.uow(), wiring.blobs, wiring.settings, handover, claim)
    except ActionRefused as refused:
        # The file is being deleted: as final as a bad payload, so never retried.
        log.warning("rejected %s[%s]: %s", messages.INGEST, task.request.id, refused.message)
        raise Reject(refused.message, requeue=False) from refused
    return result.as_record()


@app.task(name=messages.EXPIRE_IDEMPOTENCY_KEYS, **RETRY_OPTIONS)
@rejecting_bad_input(messages.EXPIRE_IDEMPOTENCY_KEYS)
def expire_idempotency_keys(task: BoundTask, **payload: Any) -> dict[str, int]:
    parse(SweepPayload, payload)
    uow = runtime().uow()
    return {"expired": idempotency.expire(uow, now=uow.clock())}


@app.task(name=messages.CLEAN_INCOMING, **RETRY_OPTIONS)
@rejecting_bad_input(messages.CLEAN_INCOMING)
def clean_incoming(task: BoundTask, **payload: Any) -> dict[str, int]:
    parse(SweepPayload, payload)
    wiring = runtime()
    age = timedelta(hours=wiring.settings.ingest_incoming_max_age_hours)
    # Against the blobs' modification times, which the wall clock writes.
    return {"removed": ingest.clean_incoming(wiring.blobs, older_than=utcnow() - age)}
