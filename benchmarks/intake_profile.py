"""Where an upload's web CPU goes: the upload endpoint and the bare endpoint of
`benchmarks/upload_intake.py`, called in-process through the ASGI app (no server, no
sockets, no HTTP parsing), one request at a time, on PostgreSQL and Redis.

    .venv/bin/python benchmarks/intake_profile.py --requests 2000
    .venv/bin/python benchmarks/intake_profile.py --requests 2000 --profile upload

Prints the process's CPU time per request (`time.process_time`: every thread, the
thread-pool's included) for each endpoint; with `--profile`, cProfile's top functions for
that endpoint (cumulative, then own time).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.config import get_settings  # noqa: E402
from benchmarks import upload_intake  # noqa: E402

BOUNDARY = "benchboundary0123456789"
OWN: list[float] = []


def _body(size: int) -> bytes:
    receipt = upload_intake._receipt(size)
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="r.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + receipt
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


async def _call(app: Any, path: str, token: str, body: bytes) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _run(app: Any, path: str, token: str, count: int, size: int) -> list[float]:
    """CPU seconds of each request."""
    costs = []
    for _ in range(count):
        body = _body(size)
        started, own = time.process_time(), time.thread_time()
        status = await _call(app, path, token, body)
        costs.append(time.process_time() - started)
        OWN.append(time.thread_time() - own)
        if status not in (200, 202):
            raise SystemExit(f"{path}: status {status}")
    return costs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--profile", choices=["upload", "bare"], help="cProfile this endpoint")
    parser.add_argument("--top", type=int, default=45)
    inline = "thread-pool work on the loop's thread (what hand-offs cost; cProfile sees it)"
    parser.add_argument("--inline", action="store_true", help=inline)
    args = parser.parse_args(argv)
    with ExitStack() as cleanup:
        env = upload_intake.published_env(cleanup)
        os.environ.update(env)
        get_settings.cache_clear()  # read again, with the scratch services
        file_id, token = upload_intake._setup({**os.environ})
        app = upload_intake.bench_app()
        paths = {"bare": "/bench/discard", "upload": f"/v1/client-files/{file_id}/documents"}

        async def session() -> None:
            if args.inline:
                import anyio.to_thread

                async def inline(func: Any, *call_args: Any, **_: Any) -> Any:
                    return func(*call_args)

                anyio.to_thread.run_sync = inline  # type: ignore[assignment]
            for path in paths.values():  # warm-up
                await _run(app, path, token, 50, args.size)
            for name, path in paths.items():
                OWN.clear()
                costs = await _run(app, path, token, args.requests, args.size)
                print(f"  loop thread only: median {statistics.median(OWN) * 1e3:.3f} ms")
                print(
                    f"{name:6}: CPU per request median {statistics.median(costs) * 1e3:.3f} ms, "
                    f"mean {statistics.fmean(costs) * 1e3:.3f} ms ({args.requests} requests)"
                )
            if args.profile:
                profiler = cProfile.Profile(time.thread_time)
                profiler.enable()
                await _run(app, paths[args.profile], token, args.requests, args.size)
                profiler.disable()
                for order in ("cumulative", "tottime"):
                    out = io.StringIO()
                    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
                    stats.print_stats(args.top)
                    print(out.getvalue())

        try:
            import uvloop

            uvloop.run(session())
        except ImportError:
            asyncio.run(session())
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
