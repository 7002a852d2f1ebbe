"""Logs with the ids they are about: every line carries the ids bound to the work at hand
(`request_id`, `task_id`, `document_id`, `client_file_id`, `job_id`, ...), as `key=value`
for a person at a terminal or as one JSON object per line for a log pipeline
(`DOSSIER_LOG_FORMAT=json`). Every existing `logging` call gets them: structlog renders
the standard library's records, and the ids live in context variables, so they follow
the work across threads of a request and into the tasks it sends (`worker/observability.py`
carries the request id in a message header)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import MutableMapping
from contextlib import AbstractContextManager
from typing import Any, Literal

import structlog

LogFormat = Literal["console", "json"]

# The ids a log line may carry; bound per request or per task, cleared after.
ID_KEYS = (
    "request_id",
    "task_id",
    "task",
    "job_id",
    "document_id",
    "client_file_id",
    "export_id",
    "schedule_id",
)


def bind(**ids: Any) -> None:
    """Add ids to every line logged from here on in this request or task."""
    structlog.contextvars.bind_contextvars(
        **{key: str(value) for key, value in ids.items() if value is not None}
    )


def bound_to(**ids: Any) -> AbstractContextManager[Any]:
    """`bind` for the length of a `with` block; the ids bound before come back after."""
    return structlog.contextvars.bound_contextvars(
        **{key: str(value) for key, value in ids.items() if value is not None}
    )


def clear() -> None:
    structlog.contextvars.clear_contextvars()


def bound() -> dict[str, Any]:
    return structlog.contextvars.get_contextvars()


def new_request_id() -> str:
    return uuid.uuid4().hex


def formatter(log_format: LogFormat) -> logging.Formatter:
    # The console renderer lays out tracebacks itself; JSON needs them as a string.
    rendering: list[Any] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if log_format == "json"
        else [structlog.dev.ConsoleRenderer(colors=False)]
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            _without_celery_data,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *rendering,
        ],
    )


def _without_celery_data(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    # Celery passes its message's fields as `data`, already spelt out in the message.
    if str(event.get("logger", "")).startswith("celery"):
        event.pop("data", None)
    return event


def configure(log_format: LogFormat, level: int | str = logging.INFO) -> None:
    """Route every record of this process through one handler on stderr (configuring
    again replaces it; handlers others installed, like a test's capture, stay)."""
    handler = _DossierHandler()
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, _DossierHandler)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)


class _DossierHandler(logging.StreamHandler):  # type: ignore[type-arg]
    pass
