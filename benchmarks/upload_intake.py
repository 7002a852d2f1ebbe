"""Upload intake over HTTP: small receipts, several concurrent clients.

Prints uploads per second through the real endpoint (token check, streaming multipart
parse, type sniffing, blob write, document row, gate message handed to the dispatcher)
beside a baseline measured in the same run: a bare endpoint on the same server that reads
the same multipart body and discards it. The ratio is what Dossier's own work costs.

    .venv/bin/python benchmarks/upload_intake.py --clients 8 --uploads 400

The server runs in its own process (uvicorn), on a SQLite file by default or on
--database-url; messages are counted, not sent, so the broker is not measured.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.api.main import create_app  # noqa: E402
from app.bootstrap import build_runtime  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.services.messages import TaskMessage  # noqa: E402


class CountingDispatcher:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, messages: list[TaskMessage]) -> None:
        self.sent += len(messages)

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        return len(task_ids)


def bench_app() -> FastAPI:
    """The server side: Dossier's app plus the baseline route."""
    runtime = build_runtime(get_settings(), CountingDispatcher())
    app = create_app(runtime, broker_check=lambda: None)

    @app.post("/bench/discard", include_in_schema=False)
    async def discard(request: Request) -> JSONResponse:
        async for _ in request.stream():
            pass
        return JSONResponse({}, status_code=202)

    return app


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


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited; run it by hand to see why")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not start within 30s")


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "benchmarks.upload_intake:bench_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=400)
    parser.add_argument("--size", type=int, default=2048, help="bytes per receipt")
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        env = {
            **os.environ,
            "DOSSIER_DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.db",
            "DOSSIER_STORAGE_DIR": f"{tmp}/blobs",
            "DOSSIER_EMBEDDED_DIR": f"{tmp}/state",
        }
        file_id, token = _setup(env)
        server = _serve(env, args.port)
        try:
            base = f"http://127.0.0.1:{args.port}"
            _wait_for(base, server)

            def run(path: str) -> float:
                return _drive(base + path, token, args.clients, args.uploads, args.size)

            run("/bench/discard")  # warm-up: connections, imports, caches
            baseline = run("/bench/discard")
            dossier = run(f"/v1/client-files/{file_id}/documents")
        finally:
            server.terminate()
            server.wait(timeout=30)
    backend = env["DOSSIER_DATABASE_URL"].split(":")[0]
    print(f"{args.clients} clients, {args.uploads} uploads of {args.size} bytes, {backend}")
    print(f"baseline (read and discard the body): {baseline:8.1f} uploads/s")
    print(f"Dossier upload endpoint:              {dossier:8.1f} uploads/s")
    print(f"ratio Dossier / baseline:             {dossier / baseline:8.2f}")


if __name__ == "__main__":
    main()
