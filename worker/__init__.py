"""Celery worker and beat for Dossier: `celery -A worker worker` / `celery -A worker beat`."""

from __future__ import annotations

from app import multiprocess

# Before anything imports the Prometheus client: prefork children count in shared files.
multiprocess.ensure_directory()

from celery import Celery  # noqa: E402

from app.config import get_settings  # noqa: E402
from worker.celery_app import celery_config  # noqa: E402

app = Celery("dossier")
# Read on first use, not at import: importing `worker` must not reach for a broker.
app.add_defaults(lambda: celery_config(get_settings()))

# Registers the tasks on `app`, and the signals that log, count and trace them.
from worker import observability, tasks  # noqa: E402,F401

__all__ = ["app"]
