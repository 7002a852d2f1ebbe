"""Celery worker and beat for Dossier: `celery -A worker worker` / `celery -A worker beat`."""

from __future__ import annotations

from celery import Celery

from app.config import get_settings
from worker.celery_app import celery_config

app = Celery("dossier")
# Read on first use, not at import: importing `worker` must not reach for a broker.
app.add_defaults(lambda: celery_config(get_settings()))

# Registers the tasks on `app`.
from worker import tasks  # noqa: E402,F401

__all__ = ["app"]
