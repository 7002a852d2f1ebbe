"""What an operator sees of the workers, wired through Celery's signals so that tasks stay
about their work: log lines carrying the ids of the task at hand and the request id that
caused it (a message header from the API, passed on to every task a task sends), metrics
counted from each task's outcome, and a metrics port on the worker's main process."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_process_init,
    worker_ready,
)

from app import logs, metrics, tracing
from app.config import get_settings
from app.services import messages

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "dossier_request_id"
# The payload fields that name what a task works on.
PAYLOAD_IDS = ("document_id", "client_file_id", "job_id", "export_id", "schedule_id")
JOB_FIELDS = frozenset({"job_id", "action", "status"})


@setup_logging.connect
def _configure_logging(loglevel: int | str | None = None, **_: Any) -> None:
    # Connected, this replaces Celery's own logging setup in workers and beat.
    logs.configure(get_settings().log_format, loglevel or logging.INFO)


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = logs.bound().get("request_id")
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@task_prerun.connect
def _bind_task_ids(
    task_id: str | None = None,
    task: Task[Any, Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    **_: Any,
) -> None:
    logs.clear()
    payload = kwargs or {}
    logs.bind(
        task_id=task_id,
        task=task.name if task else None,
        request_id=task.request.get(REQUEST_ID_HEADER) if task else None,
        **{key: payload.get(key) for key in PAYLOAD_IDS},
    )


@task_postrun.connect
def _count_outcome(
    task: Task[Any, Any] | None = None, retval: Any = None, state: str | None = None, **_: Any
) -> None:
    try:
        if task is not None and state == "SUCCESS":
            count(task.name, retval)
    finally:
        logs.clear()


def count(name: str, outcome: Any) -> None:
    """Add a task's returned outcome to the metrics it feeds."""
    if name == messages.GATE and isinstance(outcome, str):
        metrics.gate_decided(outcome)
    elif not isinstance(outcome, dict):
        return
    elif outcome.keys() >= JOB_FIELDS:
        metrics.lifecycle_job_ran(str(outcome["action"]), str(outcome["status"]))
    elif name == messages.SWEEP:
        metrics.swept({kind: int(number) for kind, number in outcome.items()})
    elif name == messages.DELIVER_WEBHOOKS:
        metrics.webhook_attempts({kind: int(number) for kind, number in outcome.items()})


@worker_ready.connect
def _serve_metrics(**_: Any) -> None:
    port = get_settings().metrics_port
    if port is None:
        return
    from prometheus_client import start_http_server

    start_http_server(port, registry=metrics.registry())
    log.info("metrics served on port %d", port)


@worker_process_init.connect
def _start_tracing(**_: Any) -> None:
    # In each pool process: the span exporter's thread would not survive the fork.
    if tracing.start(get_settings(), "dossier-worker"):
        tracing.instrument_celery()
