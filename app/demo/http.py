"""The demo's HTTP API: the real app served by uvicorn on a loopback port, in a thread of
the demo's process, so that the people chapters go over HTTP as a client would."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from app.bootstrap import Runtime

READY_SECONDS = 10.0


@contextmanager
def serving(runtime: Runtime) -> Iterator[str]:
    """Serve the API on the demo's runtime; yield its base URL."""
    from app.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    app = create_app(runtime, broker_check=lambda: None)
    # No lifespan: the demo closes its own runtime, after the server has stopped.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="demo-api", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the demo's API server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=READY_SECONDS)


def client(base_url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)
