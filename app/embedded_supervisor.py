"""`python -m app.embedded_supervisor DIR`: owns the embedded redis-server of state
directory DIR, started by `app.embedded` in the first process that needs the broker.

It runs detached from every client (its own session, reparented to init), so the death
of whichever process started it ends nothing. Twice a second it checks the clients
registered in DIR/clients; once none has been alive for a moment, or DIR is removed, or
it is sent SIGTERM, it shuts the server down (SHUTDOWN NOSAVE: it only ever held
messages) and exits. The server is its child with a parent-death signal, so even a
SIGKILLed supervisor takes the server with it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import redis

from app import embedded, processes

POLL_SECONDS = 0.5
LINGER_SECONDS = 1.0
PORT_ATTEMPTS = 3


class Supervisor:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.identity = _identity(directory)
        self.stopping = False

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        server, url = self._start_server()
        try:
            embedded.write_state(self.directory, self._state(server, url))
            _log(f"redis-server {server.pid} on {url} for {self.directory}")
            _log(f"stopping: {self._watch(server)}")
        finally:
            _shut_down(server, url)
            self._forget_state()
        return 0

    def _on_signal(self, signum: int, _: FrameType | None) -> None:
        self.stopping = True

    def _watch(self, server: subprocess.Popen[bytes]) -> str:
        """Wait for a reason to stop, and say which."""
        idle_since = time.monotonic()
        while True:
            if self.stopping:
                return "asked to stop"
            if not self._directory_intact():
                return "state directory removed"
            if server.poll() is not None:
                return f"redis-server exited with code {server.returncode}"
            if embedded.live_clients(self.directory, forget_dead=True):
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= LINGER_SECONDS and self._retire_if_idle():
                return "no client left"
            time.sleep(POLL_SECONDS)

    def _retire_if_idle(self) -> bool:
        """Withdraw the address if still nobody uses it, under the lock clients register
        under: a process that is registering now is either counted or starts a new server."""
        try:
            lock = open(self.directory / embedded.LOCK_FILE, "a")  # noqa: SIM115
        except OSError:
            return True  # the directory is gone
        with lock:
            try:
                # Never wait: whoever holds the lock may be stopping us, and wait for that.
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            if embedded.live_clients(self.directory):
                return False
            self._forget_state()
            return True

    def _start_server(self) -> tuple[subprocess.Popen[bytes], str]:
        for _ in range(PORT_ATTEMPTS):
            port = _free_port()
            server = subprocess.Popen(
                _server_command(self.directory, port),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                preexec_fn=processes.die_with_parent(signal.SIGTERM),
            )
            url = f"redis://127.0.0.1:{port}/0"
            if _wait_until_answering(server, url):
                return server, url
            _shut_down(server, url)  # most likely someone took the port first
        raise RuntimeError(f"redis-server did not start; see {self.directory / 'redis.log'}")

    def _state(self, server: subprocess.Popen[bytes], url: str) -> dict[str, object]:
        return {
            "url": url,
            "pid": server.pid,
            "supervisor": os.getpid(),
            "supervisor_started": processes.own_start_time(),
        }

    def _directory_intact(self) -> bool:
        try:
            return _identity(self.directory) == self.identity
        except OSError:
            return False

    def _forget_state(self) -> None:
        state = embedded.read_state(self.directory)
        if state is not None and state.get("supervisor") == os.getpid():
            with contextlib.suppress(OSError):
                (self.directory / embedded.STATE_FILE).unlink()


def _server_command(directory: Path, port: int) -> list[str]:
    return [
        str(embedded.redis_server_binary()),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        # Keeps the command line (and the environment, which a new title overwrites) as
        # started: `ps` shows which state directory a server belongs to.
        "--set-proc-title",
        "no",
        "--dir",
        str(directory),
        "--logfile",
        str(directory / "redis.log"),
    ]


def _wait_until_answering(server: subprocess.Popen[bytes], url: str) -> bool:
    deadline = time.monotonic() + embedded.STARTUP_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        while time.monotonic() < deadline and server.poll() is None:
            with contextlib.suppress(redis.RedisError):
                if client.ping():
                    return True
            time.sleep(0.05)
        return False
    finally:
        client.close()


def _shut_down(server: subprocess.Popen[bytes], url: str) -> None:
    if server.poll() is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        with contextlib.suppress(redis.RedisError):
            client.shutdown(nosave=True)
        client.close()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _identity(directory: Path) -> tuple[int, int]:
    # Removed and made again under the same name is another directory: not ours.
    stat = directory.stat()
    return stat.st_dev, stat.st_ino


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} supervisor {os.getpid()}: {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m app.embedded_supervisor STATE_DIRECTORY", file=sys.stderr)
        return 2
    if os.fork() > 0:
        # The starting client reaps this first process at once; the second runs on,
        # child of init, so no client is left with a zombie or is needed to end it.
        os._exit(0)
    try:
        return Supervisor(Path(args[0]).resolve()).run()
    except Exception as error:
        _log(f"failed: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
