"""Blocking work of the upload path handed to a worker thread with asyncio's own executor
call, not anyio's `to_thread` (which FastAPI's `run_in_threadpool` goes through): its
capacity limiter, cancel scope and checks of the running library were a tenth of the
event loop's CPU time on an upload, for two hand-offs per request.

The context variables go along (a log line written in the thread carries the request's
id). Unlike `to_thread`, a cancelled request stops waiting at once; the work it handed
off runs to its end either way (a thread cannot be stopped), as before."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# As many threads as anyio gives FastAPI's thread pool by default; made as needed.
WORKERS = 40
_executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="dossier-upload")


async def in_thread(work: Callable[[], T]) -> T:
    """`work()` in a worker thread, with this task's context variables."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(_executor, context.run, work)
