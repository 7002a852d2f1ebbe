"""Processes on the embedded defaults (SQLite, embedded broker) in a test's own directory,
each carrying a marker of that test so that every process they lead to, the broker's
supervisor and redis-server included, can be found and counted."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.leftovers import MARKER_VARIABLE, Leftover, Scope

BROKER_GONE_SECONDS = 30.0  # a generous bound: the supervisor polls twice a second

CLIENT = """
import sys, time
from pathlib import Path
from app import embedded
print(embedded.ensure_running(Path(sys.argv[1])), flush=True)
time.sleep(600)
"""


@contextmanager
def embedded_processes(tmp: Path) -> Iterator[tuple[dict[str, str], Scope]]:
    """The environment of Dossier processes on the embedded defaults in `tmp`, and the
    scope that finds them; whatever it finds is killed on the way out, pass or fail."""
    scope = Scope.new(tmp, prefix="test")
    env = {
        "DOSSIER_DATABASE_URL": f"sqlite:///{tmp / 'dossier.db'}",
        "DOSSIER_BROKER_URL": "embedded",
        "DOSSIER_BROKER_KEY_PREFIX": "",
        "DOSSIER_STORAGE_DIR": str(tmp / "blobs"),
        "DOSSIER_EMBEDDED_DIR": str(tmp / "state"),
        MARKER_VARIABLE: scope.environment(),
    }
    try:
        yield env, scope
    finally:
        scope.kill()


def is_redis_server(process: Leftover) -> bool:
    return Path(process.command.split()[0]).name == "redis-server"


def is_supervisor(process: Leftover) -> bool:
    return "app.embedded_supervisor" in process.command


def redis_servers(scope: Scope) -> list[Leftover]:
    return [p for p in scope.processes() if is_redis_server(p)]


def supervisors(scope: Scope) -> list[Leftover]:
    return [p for p in scope.processes() if is_supervisor(p)]


def broker_processes(scope: Scope) -> list[Leftover]:
    """The embedded redis-servers and their supervisors among the scope's processes."""
    return [p for p in scope.processes() if is_redis_server(p) or is_supervisor(p)]


def wait_until_nothing_left(scope: Scope) -> list[Leftover]:
    return scope.wait_until_none(timeout=BROKER_GONE_SECONDS)


def start_clients(env: dict[str, str], count: int = 1) -> list[tuple[subprocess.Popen[bytes], str]]:
    """Bare processes that use the embedded broker until they are killed, all started at
    once (they race to start it), each with the URL it was given."""
    started = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, env["DOSSIER_EMBEDDED_DIR"]],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    clients = []
    for process in started:
        assert process.stdout is not None
        url = process.stdout.readline().decode().strip()
        assert url.startswith("redis://"), f"a client did not get the broker: {url!r}"
        clients.append((process, url))
    return clients


def dossier(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
