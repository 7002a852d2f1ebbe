"""A real Dossier stack for one benchmark run: a scratch PostgreSQL database and a private
Redis key prefix (both removed afterwards), a Celery worker subprocess started as the
Procfile does, and the client side (services, a Celery app) in this process.

The services are those of the integration tests (DOSSIER_TEST_POSTGRES_URL,
DOSSIER_TEST_REDIS_URL); a benchmark refuses to run without them.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
from celery import Celery

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.bootstrap import Runtime, build_runtime  # noqa: E402
from app.config import Settings  # noqa: E402
from app.local import kill, role_command, start, wait_for_worker  # noqa: E402
from app.persistence.migrate import upgrade  # noqa: E402
from tests.support import services  # noqa: E402
from worker.celery_app import create_celery  # noqa: E402
from worker.dispatch import celery_dispatcher  # noqa: E402
from worker.fairness import STEPS  # noqa: E402

NOOP_ENGINE = "benchmarks.noop_engine:NoopEngine"
PRIORITY_SEP = "\x06\x16"  # kombu's Redis transport: queue name, separator, priority
ENV_SETTINGS = (
    "database_url",
    "broker_url",
    "broker_key_prefix",
    "storage_dir",
    "embedded_dir",
    "extraction_engine",
    "delete_batch_size",
    "gate_batch_size",
    "gate_nudge_seconds",
)


@dataclass
class BenchStack:
    settings: Settings
    celery: Celery
    runtime: Runtime
    tmp: Path
    redis: redis.Redis
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return self.settings.broker_key_prefix

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            f"DOSSIER_{name.upper()}": str(getattr(self.settings, name)) for name in ENV_SETTINGS
        }
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
        return {**env, **extra}

    def start_worker(
        self, queues: str = "gate,extraction,lifecycle,maintenance", concurrency: int = 2
    ) -> tuple[str, subprocess.Popen[bytes]]:
        """The Procfile's worker (the `worker` Celery app) plus one no-op task for baselines."""
        hostname = f"bench-{uuid.uuid4().hex[:6]}@dossier-bench"
        command = [
            sys.executable, "-m", "celery", "-A", "benchmarks.bench_worker", "worker",
            "--hostname", hostname, "--queues", queues, "--concurrency", str(concurrency),
            "--loglevel", "INFO", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        log = open(self.tmp / f"{hostname.split('@')[0]}.log", "ab")  # noqa: SIM115
        process = start(command, self.env(), log=log)
        self.workers.append(process)
        wait_for_worker(self.celery, hostname)
        return hostname, process

    def start_role(
        self, role: str, concurrency: int | None = None, **env: str
    ) -> tuple[str, subprocess.Popen[bytes]]:
        """One of the Procfile's workers (`worker` or `extractor`), with its options."""
        hostname = f"{role}-{uuid.uuid4().hex[:6]}@dossier-bench"
        command = role_command(role, hostname, concurrency=concurrency)
        log = open(self.tmp / f"{role}.log", "ab")  # noqa: SIM115
        process = start(command, self.env(**env), log=log)
        self.workers.append(process)
        wait_for_worker(self.celery, hostname)
        return hostname, process

    def stop_workers(self) -> None:
        for process in self.workers:
            kill(process)
        self.workers.clear()

    def waiting(self, queue: str) -> int:
        """Messages in the queue, in each of its priority lists (the Redis transport keeps
        one per step; fair extraction uses them)."""
        keys = [self.prefix + queue] + [f"{self.prefix}{queue}{PRIORITY_SEP}{p}" for p in STEPS[1:]]
        return sum(int(self.redis.llen(key)) for key in keys)

    def drained(self, queue: str) -> bool:
        """No message left in the queue nor delivered and not yet acknowledged."""
        unacked = self.redis.hlen(self.prefix + "unacked")
        return self.waiting(queue) == 0 and unacked == 0

    def scalar(self, statement: Any) -> Any:
        with self.runtime.sessions() as session:
            return session.scalar(statement)

    def execute(self, statement: Any) -> None:
        with self.runtime.db.begin() as connection:
            connection.execute(statement)

    def vacuum(self) -> None:
        with self.runtime.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))


@contextmanager
def bench_stack(**overrides: Any) -> Iterator[BenchStack]:
    services.check_postgres()
    services.check_redis()
    with ExitStack() as cleanup:
        tmp = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="dossier-bench-")))
        database_url = cleanup.enter_context(services.scratch_database("dossier_bench"))
        key_prefix = cleanup.enter_context(services.scratch_key_prefix("dossier-bench"))
        values: dict[str, Any] = {
            "database_url": database_url,
            "broker_url": services.REDIS_URL,
            "broker_key_prefix": key_prefix,
            "storage_dir": tmp / "blobs",
            "embedded_dir": tmp / "state",
            "extraction_engine": NOOP_ENGINE,
            **overrides,
        }
        settings = Settings(**values)
        upgrade(settings.database_url)
        celery = create_celery(settings)
        runtime = build_runtime(settings, celery_dispatcher(celery, settings, services.REDIS_URL))
        cleanup.callback(runtime.close)
        stack = BenchStack(settings, celery, runtime, tmp, redis.Redis.from_url(services.REDIS_URL))
        cleanup.callback(stack.redis.close)
        cleanup.callback(stack.stop_workers)
        yield stack


def wait_until(
    condition: Callable[[], bool], what: str, timeout: float = 600.0, every: float = 0.005
) -> float:
    """Poll until true; return the monotonic time it was first seen true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(every)
    raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")


def run_lifecycle_job(
    stack: BenchStack,
    task: str,
    file_id: uuid.UUID,
    actor_id: uuid.UUID,
    *,
    timeout: float = 600.0,
) -> tuple[float, uuid.UUID, dict[str, Any]]:
    """Send a lifecycle task as another service would and wait for its job to be done;
    return the seconds from sending to done, the job id and the job's counts."""
    from app.persistence.models import LifecycleJob

    job_id = uuid.uuid4()
    payload = {"client_file_id": str(file_id), "actor_id": str(actor_id)}
    query = sa.select(LifecycleJob.status, LifecycleJob.counts).where(LifecycleJob.id == job_id)

    def done() -> bool:
        with stack.runtime.db.connect() as connection:
            row = connection.execute(query).first()
        return row is not None and row.status == "done"

    started = time.monotonic()
    stack.celery.send_task(task, kwargs=payload, task_id=str(job_id))
    finished = wait_until(done, f"the {task} job", timeout=timeout, every=0.02)
    with stack.runtime.db.connect() as connection:
        counts = dict(connection.execute(query).one().counts)
    return finished - started, job_id, counts


def rss_kib(pid: int) -> int:
    """Resident memory of one process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def worker_pool_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """The pool processes of a worker started with `python -m celery ... worker`."""
    return children(process.pid)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    return f"{os.cpu_count()} cores ({cpu}), {memory} MiB RAM, Python {platform.python_version()}"


def report(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"== {title}")
    print(f"   {machine()}")
    for label, value in rows:
        print(f"   {label:<{width}}  {value}")
