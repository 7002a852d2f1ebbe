"""Dossier as it is deployed: the Procfile's processes (web, worker, extractor, beat) in
subprocesses, on a PostgreSQL database and a Redis key prefix of their own, driven over
HTTP only. Skipped when PostgreSQL or Redis is absent, unless DOSSIER_REQUIRE_SERVICES=1."""

from __future__ import annotations

import shlex
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import redis

from app.bootstrap import Runtime, build_runtime
from app.config import Settings
from app.local import start, stop, wait_for_worker
from app.persistence.migrate import upgrade
from app.services import admin, tokens
from tests.api.fakes import FakeDispatcher
from tests.support import services
from tests.support.embedded import embedded_processes
from tests.support.leftovers import Scope
from worker.celery_app import create_celery

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"
WAIT_SECONDS = 60.0
T = TypeVar("T")


def procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            role, _, command = line.partition(":")
            processes[role.strip()] = shlex.split(command)
    return processes


def in_this_environment(command: list[str]) -> list[str]:
    # `celery ...` and `uvicorn ...` as modules of this interpreter: the same programs.
    return [sys.executable, "-m", *command]


def with_option(command: list[str], name: str, value: str) -> list[str]:
    if name in command:
        at = command.index(name)
        return [*command[: at + 1], value, *command[at + 2 :]]
    return [*command, name, value]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def check_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:
        services.unavailable(f"Redis at {REDIS_URL}", error)


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = WAIT_SECONDS) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@dataclass
class Deployment:
    base_url: str
    runtime: Runtime  # for setting up people and files, never for the checks

    def practice(self, name: str) -> tuple[uuid.UUID, str]:
        """A practice with one staff member; returns the practice id and their token."""
        practice_id = admin.create_practice(self.runtime.uow(), name)
        email = f"staff-{uuid.uuid4().hex[:8]}@practice.test"
        user = admin.create_staff_user(self.runtime.uow(), practice_id, "Staff", email)
        return practice_id, tokens.issue(self.runtime.uow(), user).secret

    def token_for(self, email: str) -> str:
        with self.runtime.uow() as uow:
            user = uow.users.by_email(email)
            assert user is not None, email
            user_id = user.id
        return tokens.issue(self.runtime.uow(), user_id).secret

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)


def _environment(database_url: str, key_prefix: str, state: Path) -> dict[str, str]:
    return {
        "DOSSIER_DATABASE_URL": database_url,
        "DOSSIER_BROKER_URL": REDIS_URL,
        "DOSSIER_BROKER_KEY_PREFIX": key_prefix,
        "DOSSIER_STORAGE_DIR": str(state / "blobs"),
        "DOSSIER_EMBEDDED_DIR": str(state / "state"),
    }


def start_logged(
    stack: ExitStack, state: Path, role: str, command: list[str], env: dict[str, str]
) -> None:
    """Start a process logging to `state/<role>.log`; stopped when the stack closes."""
    log = stack.enter_context(open(state / f"{role}.log", "ab"))  # noqa: SIM115
    stack.callback(stop, start(command, env, log))


def web_command(port: int) -> list[str]:
    web = with_option(with_option(procfile()["web"], "--port", str(port)), "--host", "127.0.0.1")
    return in_this_environment(web)


def _start_processes(
    stack: ExitStack, env: dict[str, str], state: Path, port: int, hostname: str
) -> None:
    commands = procfile()
    worker = with_option(commands["worker"], "--hostname", hostname)
    extractor = with_option(commands["extractor"], "--hostname", f"extractor-{hostname}")
    extractor = with_option(extractor, "--concurrency", "2")
    start_logged(stack, state, "web", web_command(port), env)
    for role, command in (("worker", worker), ("extractor", extractor), ("beat", commands["beat"])):
        start_logged(stack, state, role, in_this_environment(command), env)


def ready(base_url: str) -> bool | None:
    try:
        return httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200 or None
    except httpx.HTTPError:
        return None


@contextmanager
def scratch_services(
    state: Path, name: str
) -> Iterator[tuple[ExitStack, dict[str, str], Settings]]:
    """A PostgreSQL database (migrated) and a Redis key prefix of their own, removed
    afterwards; the processes' environment and settings for them."""
    services.check_postgres()
    check_redis()
    key_prefix = f"dossier-{name}-{uuid.uuid4().hex[:12]}:"
    with ExitStack() as stack:
        stack.callback(_delete_keys, key_prefix)
        database_url = stack.enter_context(services.scratch_database(f"dossier_{name}"))
        upgrade(database_url)
        env = _environment(database_url, key_prefix, state)
        settings = Settings(**{k.removeprefix("DOSSIER_").lower(): v for k, v in env.items()})
        yield stack, env, settings


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    state = tmp_path_factory.mktemp("e2e")
    with scratch_services(state, "e2e") as (stack, env, settings):
        port, hostname = free_port(), f"e2e-{uuid.uuid4().hex[:6]}@dossier-test"
        _start_processes(stack, env, state, port, hostname)
        base_url = f"http://127.0.0.1:{port}"
        wait_until(lambda: ready(base_url), "the web process to be ready")
        celery = create_celery(settings)
        wait_for_worker(celery, hostname)
        wait_for_worker(celery, f"extractor-{hostname}")
        runtime = build_runtime(settings, FakeDispatcher())
        stack.callback(runtime.close)
        yield Deployment(base_url, runtime)


def _delete_keys(key_prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{key_prefix}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def embedded_env(tmp_path: Path) -> Iterator[tuple[dict[str, str], Scope]]:
    """The environment of processes on the embedded defaults in this test's directory, and
    the scope that finds every process they lead to (killed afterwards, pass or fail)."""
    with embedded_processes(tmp_path) as found:
        yield found


def poll(
    client: httpx.Client, path: str, until: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get(path).json()
        return body if until(body) else None

    return wait_until(probe, f"{path} to settle")
