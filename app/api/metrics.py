"""`/metrics` for Prometheus: the workers' counters (summed over every process of this
machine in multiprocess mode) and the pipeline's state, read at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import Response

from app import metrics
from app.api.deps import ApiContext, Context

log = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


def _state(ctx: ApiContext) -> Iterator[metrics.Gauge]:
    with ctx.uow() as uow:
        documents = uow.stats.documents()
        jobs = uow.stats.lifecycle_jobs()
        deliveries = uow.stats.webhook_deliveries()
    yield ("dossier_documents", "Documents by status and reason.", ["status", "reason"], documents)
    yield (
        "dossier_lifecycle_jobs",
        "Lifecycle jobs by action and status.",
        ["action", "status"],
        jobs,
    )
    yield (
        "dossier_webhook_deliveries",
        "Webhook deliveries by status.",
        ["status"],
        {(status,): count for status, count in deliveries.items()},
    )
    if ctx.queue_depths is not None:
        depths = ctx.queue_depths()
        yield (
            "dossier_queue_messages",
            "Messages waiting in each broker queue.",
            ["queue"],
            {(queue,): count for queue, count in depths.items()},
        )


def _state_or_nothing(ctx: ApiContext) -> list[metrics.Gauge]:
    # A scrape during a database or broker outage still returns the counters.
    try:
        return [*_state(ctx), ("dossier_state_up", "1 if the state could be read.", [], {(): 1})]
    except Exception:
        log.exception("metrics: the pipeline's state could not be read")
        return [("dossier_state_up", "1 if the state could be read.", [], {(): 0})]


@router.get("/metrics", include_in_schema=False)
def prometheus_metrics(ctx: Context) -> Response:
    collector = metrics.StateCollector(lambda: _state_or_nothing(ctx))
    return Response(metrics.exposition(collector), media_type=metrics.CONTENT_TYPE)
