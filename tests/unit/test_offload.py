"""The upload path's hand-off to a worker thread keeps the request's context."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import structlog

from app import logs
from app.api import offload

REQUEST = contextvars.ContextVar[str]("request")


def test_work_handed_to_a_thread_runs_there_with_the_requests_context_variables() -> None:
    async def request() -> tuple[str, str, object]:
        REQUEST.set("request-1")
        with logs.bound_to(request_id="r-1"):
            return await offload.in_thread(
                lambda: (
                    REQUEST.get(),
                    threading.current_thread().name,
                    structlog.contextvars.get_contextvars().get("request_id"),
                )
            )

    value, thread, request_id = asyncio.run(request())

    assert value == "request-1"
    assert request_id == "r-1"  # its log lines carry the request's id
    assert thread.startswith("dossier-upload")
