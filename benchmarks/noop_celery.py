"""A Celery app with one task that only counts itself, for broker measurements."""

from __future__ import annotations

import os

import redis
from celery import Celery

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
COUNTER = os.environ.get("BENCH_COUNTER", "dossier-bench:noop-done")

app = Celery("noop-bench", broker=BROKER_URL)
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
)
_counter: redis.Redis | None = None


@app.task(name="bench.noop")
def noop() -> None:
    global _counter
    if _counter is None:
        _counter = redis.Redis.from_url(BROKER_URL)
    _counter.incr(COUNTER)
