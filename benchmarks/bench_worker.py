"""The Procfile's worker with one extra task, a no-op, used as the baseline: it runs with
the very same Celery app, configuration, broker and pool settings as Dossier's tasks.

    celery -A benchmarks.bench_worker worker --queues gate ...
"""

from __future__ import annotations

from typing import Any

from worker import app

NOOP = "bench.noop"


@app.task(name=NOOP)
def noop(**_: Any) -> None:
    return None


__all__ = ["NOOP", "app"]
