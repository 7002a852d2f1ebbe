"""What every Dossier task shares: retries for transient errors only, and a clean,
logged rejection for input that can never succeed."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import kombu.exceptions
import redis.exceptions
import sqlalchemy.exc
from celery import Task
from celery.exceptions import Reject

from app.errors import InvalidInput, NotFound

log = logging.getLogger("dossier.tasks")

# Worth another try: the database or the broker was briefly unreachable, or a deadlock.
TRANSIENT_ERRORS = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)

RETRY_OPTIONS: dict[str, Any] = {
    "bind": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}

TaskBody = Callable[..., Any]
BoundTask = Task[Any, Any]


def rejecting_bad_input(name: str) -> Callable[[TaskBody], TaskBody]:
    """Turn a malformed payload or an unknown id into one logged rejection, never a retry."""

    def decorate(body: TaskBody) -> TaskBody:
        @functools.wraps(body)
        def run(task: BoundTask, **payload: Any) -> Any:
            try:
                return body(task, **payload)
            except (InvalidInput, NotFound) as error:
                log.warning(
                    "rejected %s[%s]: %s %s", name, task.request.id, error.message, error.ids
                )
                raise Reject(error.message, requeue=False) from error

        return run

    return decorate
