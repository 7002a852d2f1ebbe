"""A real Dossier stack per test: its own PostgreSQL database, its own Redis key prefix,
a real Celery worker subprocess started as the Procfile does, and a client side (services
and a Celery app) in the test process."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from celery import Celery

from app.bootstrap import Runtime, build_runtime
from app.config import Settings
from app.domain.model import Actor, DocumentStatus
from app.local import kill, role_command, start, stop, wait_for_worker, worker_command
from app.persistence.migrate import upgrade
from app.persistence.models import Document, LifecycleJob
from app.services import admin
from tests.support import services
from worker.celery_app import create_celery
from worker.dispatch import celery_dispatcher

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120.0

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", autouse=True)
def _real_services() -> None:
    services.check_postgres()
    services.check_redis()


@dataclass
class Stack:
    settings: Settings
    env: dict[str, str]
    celery: Celery
    runtime: Runtime
    tmp: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def journal(self) -> Path:
        return Path(self.env["DOSSIER_TEST_ENGINE_JOURNAL"])

    def start_worker(
        self,
        name: str = "w1",
        concurrency: int = 2,
        queues: str = "gate,extraction,lifecycle,maintenance",
        **env: str,
    ) -> str:
        hostname = f"{name}-{uuid.uuid4().hex[:6]}@dossier-test"
        command = worker_command(hostname, concurrency=concurrency, queues=queues)
        return self._start(name, hostname, command, env)

    def start_role(self, role: str, concurrency: int = 1, **env: str) -> str:
        """One of the Procfile's workers (`worker` or `extractor`), with its options."""
        hostname = f"{role}-{uuid.uuid4().hex[:6]}@dossier-test"
        command = role_command(role, hostname, concurrency=concurrency)
        return self._start(role, hostname, command, env)

    def _start(self, name: str, hostname: str, command: list[str], env: dict[str, str]) -> str:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = start(command, {**self.env, **env}, log=log)
        self.workers.append(process)
        wait_for_worker(self.celery, hostname)
        return hostname

    def kill_workers(self) -> None:
        for process in self.workers:
            kill(process)
        self.workers.clear()

    def stop_workers(self) -> None:
        for process in self.workers:
            stop(process)
        self.workers.clear()

    def worker_log(self, name: str = "w1") -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def send(self, name: str, task_id: uuid.UUID | None = None, **payload: Any) -> uuid.UUID:
        task_id = task_id or uuid.uuid4()
        self.celery.send_task(name, kwargs=payload, task_id=str(task_id))
        return task_id

    def scalar(self, statement: Any) -> Any:
        with self.runtime.sessions() as session:
            return session.scalar(statement)

    def rows(self, statement: Any) -> list[Any]:
        with self.runtime.sessions() as session:
            return list(session.execute(statement).all())

    def statuses(self, client_file_id: uuid.UUID) -> dict[DocumentStatus, int]:
        with self.runtime.uow() as uow:
            return uow.documents.count_by_status(client_file_id)

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float = WAIT_SECONDS):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        logs = "\n".join(p.name + ":\n" + p.read_text()[-3000:] for p in self.tmp.glob("*.log"))
        pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")

    def wait_until_terminal(self, client_file_id: uuid.UUID, expected: int) -> None:
        def done() -> bool:
            counts = self.statuses(client_file_id)
            terminal = sum(n for status, n in counts.items() if status.is_terminal)
            return terminal == expected and sum(counts.values()) == expected

        self.wait_for(f"{expected} documents to reach a terminal state", done)

    def wait_for_job(self, job_id: uuid.UUID) -> LifecycleJob:
        def finished() -> bool:
            job = self.scalar(sa.select(LifecycleJob).where(LifecycleJob.id == job_id))
            return job is not None and job.status in ("done", "refused")

        self.wait_for(f"lifecycle job {job_id}", finished)
        job = self.scalar(sa.select(LifecycleJob).where(LifecycleJob.id == job_id))
        assert job is not None
        return job

    def document(self, document_id: uuid.UUID) -> Document | None:
        return self.scalar(sa.select(Document).where(Document.id == document_id))


@dataclass(frozen=True)
class Practice:
    practice_id: uuid.UUID
    staff: Actor
    client_file_id: uuid.UUID


def settings_for(database_url: str, key_prefix: str, tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "broker_url": services.REDIS_URL,
        "broker_key_prefix": key_prefix,
        "storage_dir": tmp / "blobs",
        "embedded_dir": tmp / "state",
        "extraction_engine": "tests.support.engines:RecordingEngine",
        # Short limits so lost work is recovered within a test's patience.
        "extraction_time_limit_seconds": 20,
        "broker_visibility_timeout_seconds": 30,
        "sweep_stale_after_seconds": 25,
        "sweep_interval_seconds": 3600,
        "broker_restore_interval_seconds": 1,
    }
    values.update(overrides)
    return Settings(**values)


def env_for(settings: Settings, tmp: Path) -> dict[str, str]:
    env = {
        f"DOSSIER_{name.upper()}": str(getattr(settings, name))
        for name in (
            "database_url",
            "broker_url",
            "broker_key_prefix",
            "storage_dir",
            "embedded_dir",
            "extraction_engine",
            "extraction_time_limit_seconds",
            "broker_visibility_timeout_seconds",
            "sweep_stale_after_seconds",
            "sweep_interval_seconds",
            "delete_batch_size",
            "gate_batch_size",
            "broker_restore_interval_seconds",
            "extraction_fair_burst",
            "gate_nudge_seconds",
            "task_events",
        )
    }
    env["DOSSIER_TEST_ENGINE_JOURNAL"] = str(tmp / "engine-runs.txt")
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    return env


@pytest.fixture
def make_stack(tmp_path: Path) -> Iterator[Callable[..., Stack]]:
    """Build a stack; overrides go to Settings (e.g. delete_batch_size=1)."""
    with ExitStack() as cleanup:

        def build(**overrides: Any) -> Stack:
            database_url = cleanup.enter_context(services.scratch_database())
            key_prefix = cleanup.enter_context(services.scratch_key_prefix())
            settings = settings_for(database_url, key_prefix, tmp_path, **overrides)
            upgrade(settings.database_url)
            celery = create_celery(settings)
            runtime = build_runtime(
                settings, celery_dispatcher(celery, settings, services.REDIS_URL)
            )
            stack = Stack(settings, env_for(settings, tmp_path), celery, runtime, tmp_path)
            cleanup.callback(runtime.close)
            cleanup.callback(stack.kill_workers)
            return stack

        yield build


@pytest.fixture
def stack(make_stack: Callable[..., Stack]) -> Stack:
    return make_stack()


@pytest.fixture
def practice(stack: Stack) -> Practice:
    return new_practice(stack)


def new_practice(stack: Stack, files: int = 1) -> Practice:
    uow = stack.runtime.uow
    practice_id = admin.create_practice(uow(), "Martin & Associés")
    email = f"staff-{uuid.uuid4().hex[:8]}@practice.test"
    staff_id = admin.create_staff_user(uow(), practice_id, "Claire Martin", email)
    client_file_id = admin.create_client_file(uow(), practice_id, "Boulangerie Dupont")
    with uow() as unit:
        actor = unit.users.actor(staff_id)
    assert actor is not None
    return Practice(practice_id, actor, client_file_id)
