"""The embedded broker's life: one server per state directory, however many processes
start at once; it lives as long as one of them does, and no longer, whether they stop, are
SIGKILLed, or its state directory is removed; `dossier embedded status|stop`. Real
processes and a real redis-server; needs no installed service."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from app import embedded, processes
from tests.e2e.conftest import free_port
from tests.support.embedded import (
    BROKER_GONE_SECONDS,
    broker_processes,
    dossier,
    redis_servers,
    start_clients,
    supervisors,
    wait_until_nothing_left,
)
from tests.support.leftovers import Scope

EmbeddedEnv = tuple[dict[str, str], Scope]


def _eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BROKER_GONE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _kill(*clients: subprocess.Popen[bytes]) -> None:
    for client in clients:
        client.kill()
        client.wait()


def test_processes_starting_at_once_share_one_server(
    embedded_env: EmbeddedEnv,
) -> None:
    variables, scope = embedded_env

    clients = start_clients(variables, count=5)

    assert len({url for _, url in clients}) == 1, clients
    assert len(redis_servers(scope)) == 1
    assert len(supervisors(scope)) == 1
    state = embedded.status(Path(variables["DOSSIER_EMBEDDED_DIR"]))
    assert state.running
    assert {process.pid for process, _ in clients} <= set(state.clients)


def test_the_server_stops_once_every_client_is_sigkilled(
    embedded_env: EmbeddedEnv,
) -> None:
    variables, scope = embedded_env
    clients = start_clients(variables, count=3)

    _kill(*(process for process, _ in clients))

    assert wait_until_nothing_left(scope) == []
    assert not (Path(variables["DOSSIER_EMBEDDED_DIR"]) / embedded.STATE_FILE).exists()


def test_the_server_lives_while_one_client_does(embedded_env: EmbeddedEnv) -> None:
    variables, scope = embedded_env
    state_dir = Path(variables["DOSSIER_EMBEDDED_DIR"])
    (first, url), (second, _) = start_clients(variables, count=2)

    _kill(first)
    # The supervisor forgets a dead client in the same look that finds the others alive.
    registration = state_dir / embedded.CLIENTS_DIR / str(first.pid)
    _eventually(lambda: not registration.exists(), "the supervisor to see the first gone")

    after = embedded.status(state_dir)
    assert (after.url, after.clients) == (url, [second.pid])
    assert len(redis_servers(scope)) == 1
    _kill(second)
    assert wait_until_nothing_left(scope) == []


def test_the_server_stops_when_its_state_directory_is_removed(
    embedded_env: EmbeddedEnv,
) -> None:
    variables, scope = embedded_env
    [(client, _)] = start_clients(variables)

    shutil.rmtree(variables["DOSSIER_EMBEDDED_DIR"])

    _eventually(lambda: broker_processes(scope) == [], "the broker to stop")
    assert client.poll() is None, "the client should still run: the directory ended it"
    _kill(client)


def test_a_sigkilled_supervisor_takes_its_server_along(
    embedded_env: EmbeddedEnv,
) -> None:
    variables, scope = embedded_env
    state_dir = Path(variables["DOSSIER_EMBEDDED_DIR"])
    [(client, _)] = start_clients(variables)
    before = embedded.status(state_dir)
    assert before.supervisor_pid is not None

    os.kill(before.supervisor_pid, signal.SIGKILL)

    _eventually(lambda: redis_servers(scope) == [], "the orphaned redis-server to exit")
    [(again, _)] = start_clients(variables)  # the next process starts a new one
    assert embedded.status(state_dir).running
    _kill(client, again)
    assert wait_until_nothing_left(scope) == []


def test_status_reports_the_server_and_its_clients(
    embedded_env: EmbeddedEnv,
) -> None:
    variables, _ = embedded_env
    [(client, url)] = start_clients(variables)

    shown = dossier(variables, "embedded", "status")

    assert shown.returncode == 0, shown.stderr
    assert url in shown.stdout
    assert f"clients alive: 1: {client.pid}" in shown.stdout
    _kill(client)


def test_stop_ends_the_server_even_while_clients_run(
    embedded_env: EmbeddedEnv,
) -> None:
    variables, scope = embedded_env
    [(client, _)] = start_clients(variables)

    stopped = dossier(variables, "embedded", "stop")

    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout
    assert broker_processes(scope) == []
    shown = dossier(variables, "embedded", "status")
    assert shown.returncode == 1
    assert "not running" in shown.stdout
    _kill(client)


def test_status_and_stop_when_nothing_runs(embedded_env: EmbeddedEnv) -> None:
    variables, scope = embedded_env

    shown = dossier(variables, "embedded", "status")
    stopped = dossier(variables, "embedded", "stop")

    assert (shown.returncode, stopped.returncode) == (1, 0)
    assert "not running" in shown.stdout
    assert "not running" in stopped.stdout
    assert not Path(variables["DOSSIER_EMBEDDED_DIR"]).exists(), "status created state"
    assert broker_processes(scope) == []


def test_a_server_an_older_dossier_left_running_is_stopped(
    embedded_env: EmbeddedEnv,
) -> None:
    variables, scope = embedded_env
    state_dir = Path(variables["DOSSIER_EMBEDDED_DIR"])
    state_dir.mkdir(parents=True)
    port = free_port()
    # As Dossier used to start it: daemonised, recorded in redis.json without a supervisor.
    subprocess.run(
        [
            str(embedded.redis_server_binary()),
            "--port",
            str(port),
            "--save",
            "",
            "--daemonize",
            "yes",
            "--pidfile",
            str(state_dir / "old.pid"),
            "--dir",
            str(state_dir),
        ],
        check=True,
    )
    _eventually(lambda: (state_dir / "old.pid").exists(), "the old server to start")
    old = int((state_dir / "old.pid").read_text())
    url = f"redis://127.0.0.1:{port}/0"
    (state_dir / embedded.STATE_FILE).write_text(json.dumps({"url": url, "pid": old}))

    [(client, new_url)] = start_clients(variables)

    assert new_url != url
    _eventually(lambda: processes.start_time(old) is None, "the old server to stop")
    _kill(client)
    assert wait_until_nothing_left(scope) == []
