"""Local processes for the demo, `dossier serve` and the integration tests: a real Celery
worker (and beat) in subprocesses, exactly as the Procfile starts them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from app import processes

READY_TIMEOUT_SECONDS = 60.0


# The Procfile's two workers, as the options after `celery -A worker worker`. Extraction
# runs apart from everything else, so a backlog of OCR never holds a lifecycle change.
# `worker`: short database-bound tasks; a few messages prefetched each keep the gate busy.
# `extractor`: one message at a time per process (a long OCR run holds nobody else's
# message), and a process that grew past 1.5 GiB is replaced after its task.
ROLE_OPTIONS: dict[str, list[str]] = {
    "worker": [
        "--queues",
        "gate,lifecycle,maintenance",
        "--concurrency",
        "4",
        "--prefetch-multiplier",
        "4",
    ],
    "extractor": [
        "--queues",
        "extraction",
        "--prefetch-multiplier",
        "1",
        "--max-memory-per-child",
        "1572864",
        "-O",
        "fair",
    ],
}
ALL_QUEUES = "gate,extraction,lifecycle,maintenance"


def worker_command(hostname: str, *, concurrency: int = 2, queues: str = ALL_QUEUES) -> list[str]:
    """One worker on the given queues (the demo and tests: every queue in one)."""
    return [
        *_celery_worker(hostname),
        "--queues",
        queues,
        "--concurrency",
        str(concurrency),
        *_quiet(),
    ]


def role_command(role: str, hostname: str, *, concurrency: int | None = None) -> list[str]:
    """The Procfile's `worker` or `extractor`, named `hostname`; `concurrency` overrides
    the role's own (the extractor's defaults to one process per core)."""
    options = list(ROLE_OPTIONS[role])
    if concurrency is not None:
        if "--concurrency" in options:
            at = options.index("--concurrency")
            options[at + 1] = str(concurrency)
        else:
            options += ["--concurrency", str(concurrency)]
    return [*_celery_worker(hostname), *options, *_quiet()]


def _celery_worker(hostname: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "worker", "worker", "--hostname", hostname]


def _quiet() -> list[str]:
    return ["--loglevel", "INFO", "--without-gossip", "--without-mingle"]


def beat_command(schedule_file: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "worker",
        "beat",
        "--loglevel",
        "INFO",
        "--schedule",
        str(schedule_file),
    ]


def start(
    command: list[str], env: Mapping[str, str], log: IO[Any] | None = None
) -> subprocess.Popen[bytes]:
    """Start a process in its own process group, so stopping it stops its children.

    It is sent SIGTERM (a warm shutdown) if this process dies first, even by SIGKILL:
    a worker or beat nobody stops would keep the embedded broker running too. Call from
    the main thread (the signal follows the thread that started the process)."""
    return subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=processes.die_with_parent(signal.SIGTERM),
    )


def wait_for_worker(celery: Any, hostname: str, timeout: float = READY_TIMEOUT_SECONDS) -> None:
    """Block until the worker named `hostname` answers a ping over the broker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = celery.control.ping(destination=[hostname], timeout=0.5) or []
        if any(hostname in reply for reply in replies):
            return
    raise TimeoutError(f"Celery worker {hostname} did not answer within {timeout:.0f}s")


def stop(process: subprocess.Popen[bytes], *, timeout: float = 20.0) -> None:
    """Warm shutdown (SIGTERM), then SIGKILL for the whole group if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


def kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the worker and all its pool children at once, as a crashed machine would."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(timeout=20)
