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


def worker_command(
    hostname: str, *, concurrency: int = 2, queues: str = "gate,extraction,lifecycle,maintenance"
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "worker",
        "worker",
        "--hostname",
        hostname,
        "--queues",
        queues,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]


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
