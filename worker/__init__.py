"""Celery worker and beat for Dossier: `celery -A worker worker` / `celery -A worker beat`."""

from __future__ import annotations

from app.config import get_settings
from worker.celery_app import create_celery

app = create_celery(get_settings())

# Registers the tasks on `app`.
from worker import tasks  # noqa: E402,F401

__all__ = ["app"]
