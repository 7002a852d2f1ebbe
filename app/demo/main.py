"""`dossier demo` (what `make demo` runs): the whole pipeline on the embedded defaults.

A fresh state directory per run (SQLite file, blob directory, embedded redis-server), a
real Celery worker in a subprocess, and the story of one practice told in tables. Every
step is also checked, so the demo doubles as a smoke test: it exits non-zero, saying
what did not happen, if the story goes wrong.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console

from app import embedded, local
from app.config import EMBEDDED, get_settings
from app.demo.steps import DemoFailure
from app.demo.story import Story

WORKER_READY_SECONDS = 40.0
STEP_TIMEOUT_SECONDS = 20.0
LOG_TAIL_LINES = 25
DEMO_STAFF = "claire@cabinet-lefevre.example"


def run(*, keep: bool = False, console: Console | None = None) -> int:
    """Tell the story; return the process exit code."""
    if console is None:
        # Logs and pipes get a width the tables fit in; a terminal keeps its own.
        console = Console()
        if not console.is_terminal and "COLUMNS" not in os.environ:
            console = Console(width=120)
    state = Path(tempfile.mkdtemp(prefix="dossier-demo-"))
    started = time.monotonic()
    try:
        with _embedded_environment(state):
            story = _run_story(state, console)
    except DemoFailure as failure:
        console.print(f"\n[bold red]Demo failed:[/] {failure}")
        _print_log_tail(console, state / "worker.log")
        console.print(f"State kept for inspection in {state}")
        return 1
    except KeyboardInterrupt:
        console.print("\n[yellow]Demo interrupted.[/]")
        shutil.rmtree(state, ignore_errors=True)
        return 130
    except Exception:
        console.print("\n[bold red]Demo failed with an unexpected error:[/]")
        console.print_exception()
        _print_log_tail(console, state / "worker.log")
        console.print(f"State kept for inspection in {state}")
        return 1
    elapsed = time.monotonic() - started
    console.print(
        f"\n[bold green]Demo complete:[/] {story.checks} checks passed in {elapsed:.1f} s "
        "on SQLite, an embedded redis-server and a real Celery worker."
    )
    if keep:
        console.print(f"State kept in {state}")
        console.print(
            f"Open it in the console: dossier serve --state {state} --sign-in {DEMO_STAFF}"
        )
    else:
        shutil.rmtree(state, ignore_errors=True)
    return 0


def demo_environment(state: Path) -> dict[str, str]:
    """The settings of a demo's state directory, as environment variables."""
    return {
        "DOSSIER_DATABASE_URL": f"sqlite:///{state / 'dossier.db'}",
        "DOSSIER_BROKER_URL": EMBEDDED,
        "DOSSIER_BROKER_KEY_PREFIX": "",
        "DOSSIER_STORAGE_DIR": str(state / "blobs"),
        "DOSSIER_EMBEDDED_DIR": str(state / "embedded"),
    }


@contextmanager
def _embedded_environment(state: Path) -> Iterator[None]:
    """Point this process and its children at `state`, whatever the caller's environment
    says, so repeated runs start clean and never touch a real deployment."""
    overrides = demo_environment(state)
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def _run_story(state: Path, console: Console) -> Story:
    from app.persistence.migrate import upgrade

    settings = get_settings()
    embedded_dir = settings.embedded_dir
    try:
        with console.status("Starting the embedded redis-server and a Celery worker..."):
            broker = embedded.ensure_running(embedded_dir)
            upgrade(settings.database_url)
            # Imported only now, after the environment points at `state`: the Celery app
            # reads the settings once, on first use, and keeps them.
            import worker

            hostname = f"demo-{os.getpid()}@{socket.gethostname()}"
            worker_process = _start_worker(worker.app, hostname, state)
        console.print(f"Broker {broker}, database {settings.database_url}\n")
        try:
            return _tell(worker.app, hostname, settings, console)
        finally:
            with console.status("Stopping the worker..."):
                local.stop(worker_process)
    finally:
        embedded.stop(embedded_dir)


def _start_worker(celery: Any, hostname: str, state: Path) -> subprocess.Popen[bytes]:
    with open(state / "worker.log", "ab") as log:
        process = local.start(local.worker_command(hostname), env={}, log=log)
    try:
        local.wait_for_worker(celery, hostname, timeout=WORKER_READY_SECONDS)
    except TimeoutError as error:
        local.stop(process)
        raise DemoFailure(f"{error}; is something blocking it?") from error
    if process.poll() is not None:
        raise DemoFailure(f"the Celery worker exited with code {process.returncode}")
    return process


def _tell(celery: Any, hostname: str, settings: Any, console: Console) -> Story:
    from app.bootstrap import build_runtime
    from worker.dispatch import CeleryDispatcher

    runtime = build_runtime(settings, CeleryDispatcher(celery))
    try:
        story = Story(runtime, celery, hostname, console, timeout=STEP_TIMEOUT_SECONDS)
        try:
            story.tell()
        finally:
            story.api.close()
        return story
    finally:
        runtime.close()


def _print_log_tail(console: Console, log: Path) -> None:
    if not log.exists():
        return
    lines = log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
    if lines:
        console.print(f"\nLast lines of the worker log ({log}):")
        console.print("\n".join(lines), markup=False, highlight=False)
