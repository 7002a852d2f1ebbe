"""The worker process's wiring, built on first use and rebuilt after a fork."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_process_init

from app import tracing
from app.bootstrap import Runtime, build_runtime
from app.config import get_settings
from worker.dispatch import CeleryDispatcher, celery_dispatcher

_runtime: Runtime | None = None


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        from worker import app
        from worker.celery_app import broker_url

        settings = get_settings()
        dispatcher = celery_dispatcher(app, settings, broker_url(settings))
        _runtime = build_runtime(settings, dispatcher)
        if tracing.endpoint_setting(settings):
            tracing.instrument_database(_runtime.db)
    return _runtime


def take_up_gate_nudge() -> None:
    """Let the next upload send a new gate nudge: called before reading what is pending."""
    dispatcher = runtime().dispatcher
    if isinstance(dispatcher, CeleryDispatcher):
        dispatcher.take_up_nudge()


@worker_process_init.connect
def _rebuild_after_fork(**_: Any) -> None:
    # Database connections must never be shared between a parent and its forked child.
    global _runtime
    if _runtime is not None:
        _runtime.db.dispose(close=False)
    _runtime = None
