"""Upload intake over HTTP: small receipts, several concurrent clients.

Prints uploads per second through the real endpoint (token check, rate limits, streaming
multipart parse, type sniffing, blob write, document row, gate message or shared nudge
handed to Redis) beside a baseline measured in the same run: a bare endpoint on the same
server that reads the same multipart body and discards it. Both are measured in turn, a
few rounds, and the median ratio is what Dossier's own work costs.

    .venv/bin/python benchmarks/upload_intake.py --clients 8 --uploads 400

The server is one uvicorn process. By default it runs on a scratch PostgreSQL database
and hands every upload's gate to Redis under a scratch key prefix (the services of the
integration tests), as `web` does: each upload claims the shared nudge or finds it
standing (checked at the end: at least one nudge waits, no worker runs); `--gate-per-upload`
publishes one gate message per upload instead (checked: one each). `--sqlite` runs it on
a SQLite file with messages counted, not sent, as the first measurements did.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from app.bootstrap import build_runtime  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.services.messages import TaskMessage  # noqa: E402
from app.web import create_app, production_app  # noqa: E402
from tests.support import services  # noqa: E402


class CountingDispatcher:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, messages: list[TaskMessage]) -> None:
        self.sent += len(messages)

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        return len(task_ids)


WARMUP = 40


def bench_app() -> FastAPI:
    """The server side: Dossier's app (as `web` runs it, or with counted messages) plus
    the baseline route."""
    settings = get_settings()
    if os.environ.get("BENCH_PUBLISH") == "1":
        app = production_app(settings)
    else:
        app = create_app(build_runtime(settings, CountingDispatcher()), broker_check=lambda: None)

    @app.post("/bench/discard", include_in_schema=False)
    async def discard(request: Request) -> JSONResponse:
        async for _ in request.stream():
            pass
        return JSONResponse({}, status_code=202)

    # First of the app's routes: the router tries its routes in order, and added last
    # the baseline was matched after every one of Dossier's (about 0.2 ms a request that
    # the upload route, third, does not pay). Dossier's routes are matched after it.
    routes = app.router.routes
    routes.insert(0, routes.pop())
    return app


def published_env(cleanup: ExitStack) -> dict[str, str]:
    """The web process's settings for a run on PostgreSQL and Redis: a scratch database
    and key prefix (dropped and deleted by `cleanup`), messages really published, the
    upload limit raised (still counted on every upload)."""
    services.check_postgres()
    services.check_redis()
    tmp = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="dossier-bench-"))
    return {
        "DOSSIER_STORAGE_DIR": f"{tmp}/blobs",
        "DOSSIER_EMBEDDED_DIR": f"{tmp}/state",
        "DOSSIER_DATABASE_URL": cleanup.enter_context(services.scratch_database("dossier_bench")),
        "DOSSIER_BROKER_URL": services.REDIS_URL,
        "DOSSIER_BROKER_KEY_PREFIX": cleanup.enter_context(
            services.scratch_key_prefix("dossier-bench")
        ),
        "BENCH_PUBLISH": "1",
        # Rounds of 400 from one token would pass the default 600 a minute.
        "DOSSIER_RATE_LIMIT_UPLOADS": "100000/minute",
    }


def _setup(env: dict[str, str]) -> tuple[str, str]:
    """Migrate, then a practice, its staff member, a client file and a token."""
    script = (
        "from app.config import get_settings;"
        "from app.bootstrap import build_runtime;"
        "from app.persistence.migrate import upgrade;"
        "from app.services import admin, tokens;"
        "from benchmarks.upload_intake import CountingDispatcher;"
        "s = get_settings(); upgrade(s.database_url);"
        "r = build_runtime(s, CountingDispatcher());"
        "p = admin.create_practice(r.uow(), 'Bench');"
        "u = admin.create_staff_user(r.uow(), p, 'B', 'bench@bench.test');"
        "f = admin.create_client_file(r.uow(), p, 'Bench client');"
        "print(f, tokens.issue(r.uow(), u).secret)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    file_id, token = output.split()
    return file_id, token


def _receipt(size: int) -> bytes:
    # Unique bytes: every upload is a new document, never a duplicate.
    head = f"Receipt {uuid.uuid4()}\nTotal 9.99 EUR\n".encode()
    return head + b"x" * max(0, size - len(head))


def _drive(url: str, token: str, clients: int, uploads: int, size: int) -> float:
    """Uploads per second with `clients` threads sharing `uploads` requests."""
    per_client = uploads // clients
    failures: list[str] = []

    def client() -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for _ in range(per_client):
                files = {"file": ("r.txt", _receipt(size), "text/plain")}
                response = http.post(url, files=files)
                if response.status_code != 202:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} uploads failed, first: {failures[0]}")
    return per_client * clients / elapsed


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (every thread of it), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(pid: int, drive: Callable[[], float], uploads: int) -> tuple[float, float]:
    """Uploads per second of `drive`, and the server's CPU milliseconds per upload."""
    before = cpu_seconds(pid)
    rate = drive()
    return rate, (cpu_seconds(pid) - before) * 1000 / uploads


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited; run it by hand to see why")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not start within 120s")


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "benchmarks.upload_intake:bench_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=400)
    parser.add_argument("--size", type=int, default=2048, help="bytes per receipt")
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument(
        "--rounds", type=int, default=3, help="baseline and Dossier runs, taken in turn"
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite, messages counted")
    parser.add_argument(
        "--gate-per-upload",
        action="store_true",
        help="one gate message per upload (DOSSIER_GATE_NUDGE_SECONDS=0), not a shared nudge",
    )
    args = parser.parse_args(argv)
    with ExitStack() as cleanup:
        tmp = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="dossier-bench-"))
        env = {
            **os.environ,
            "DOSSIER_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "DOSSIER_STORAGE_DIR": f"{tmp}/blobs",
            "DOSSIER_EMBEDDED_DIR": f"{tmp}/state",
        }
        if not args.sqlite:
            env.update(published_env(cleanup))
            if args.gate_per_upload:
                env["DOSSIER_GATE_NUDGE_SECONDS"] = "0"
        file_id, token = _setup(env)
        started_at = os.getloadavg()[0]
        server = _serve(env, args.port)
        try:
            base = f"http://127.0.0.1:{args.port}"
            _wait_for(base, server)

            def run(path: str) -> tuple[float, float]:
                return measured(
                    server.pid,
                    lambda: _drive(base + path, token, args.clients, args.uploads, args.size),
                    args.uploads // args.clients * args.clients,
                )

            upload_path = f"/v1/client-files/{file_id}/documents"
            # Warm-up of both: connections, imports, caches.
            run("/bench/discard")
            _drive(base + upload_path, token, args.clients, WARMUP, args.size)
            # In turn, so that a burst of load from elsewhere falls on both sides alike.
            rounds, loads = [], []
            for _ in range(args.rounds):
                rounds.append((run("/bench/discard"), run(upload_path)))
                loads.append(os.getloadavg()[0])
        finally:
            server.terminate()
            server.wait(timeout=30)
        published = _published(env)
    backend = env["DOSSIER_DATABASE_URL"].split(":")[0]
    per_client = args.uploads // args.clients * args.clients
    uploaded = WARMUP // args.clients * args.clients + args.rounds * per_client
    # No worker runs: with the shared nudge, an upload sends one only when none stands
    # (the first, then the first after each lapse of DOSSIER_GATE_NUDGE_SECONDS).
    expected = range(uploaded, uploaded + 1) if args.gate_per_upload else range(1, uploaded)
    sent = "counted" if args.sqlite else f"in Redis: {published} (warm-up included)"
    kind = "one per upload" if args.gate_per_upload else "one nudge shared by every upload"
    ratios = [dossier[0] / baseline[0] for baseline, dossier in rounds]
    print(f"{args.clients} clients, {args.uploads} uploads of {args.size} bytes, {backend}")
    print(f"load average at the start {started_at:.1f}, at the end {os.getloadavg()[0]:.1f}")
    print(f"gate messages ({kind}) {sent}")
    for n, ((baseline, baseline_cpu), (dossier, dossier_cpu)) in enumerate(rounds, 1):
        print(
            f"round {n}: baseline {baseline:7.1f} uploads/s ({baseline_cpu:.2f} ms CPU each), "
            f"Dossier {dossier:7.1f} uploads/s ({dossier_cpu:.2f} ms CPU each), "
            f"ratio {dossier / baseline:5.2f}, load {loads[n - 1]:.1f}"
        )
    baselines = statistics.median(b for (b, _), _ in rounds)
    print(f"baseline (read and discard the body): {baselines:8.1f}")
    print(
        f"Dossier upload endpoint:              {statistics.median(d for _, (d, _) in rounds):8.1f}"
    )
    print(f"ratio Dossier / baseline, median:     {statistics.median(ratios):8.2f}")
    print(f"ratio of each round, in order:        {', '.join(f'{r:.2f}' for r in ratios)}")
    print(
        "web process CPU per upload, median:  "
        f"baseline {statistics.median(c for (_, c), _ in rounds):.2f} ms, "
        f"Dossier {statistics.median(c for _, (_, c) in rounds):.2f} ms"
    )
    if not args.sqlite and published not in expected:
        raise SystemExit(f"expected {expected} gate messages in Redis, found {published}")


def _published(env: dict[str, str]) -> int:
    """Gate messages waiting in Redis (no worker runs): one per Dossier upload."""
    if env.get("BENCH_PUBLISH") != "1":
        return 0
    client = redis.Redis.from_url(env["DOSSIER_BROKER_URL"])
    try:
        return int(client.llen(env["DOSSIER_BROKER_KEY_PREFIX"] + "gate"))
    finally:
        client.close()


if __name__ == "__main__":
    main()
