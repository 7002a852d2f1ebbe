"""For the client's tests: a pipeline run in place of the client's sleeps, a transport
that fails on cue, and the app served by uvicorn on a real socket."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.bootstrap import Runtime
from app.extraction.text import TextLayerEngine
from app.services import extraction, messages
from app.services.extraction import ExtractionLimits
from tests.api.fakes import FakeDispatcher, FakeWorker


@dataclass
class Pipeline:
    """Gate, lifecycle and extraction messages, run in this process."""

    runtime: Runtime
    dispatcher: FakeDispatcher

    def run(self, *_: Any) -> None:
        FakeWorker(self.runtime, self.dispatcher).drain()
        limits = ExtractionLimits.from_settings(self.runtime.settings)
        for message in [m for m in self.dispatcher.sent if m.name == messages.EXTRACT]:
            self.dispatcher.sent.remove(message)
            document_id = uuid.UUID(message.payload["document_id"])
            extraction.extract(
                self.runtime.uow(), self.runtime.blobs, TextLayerEngine(), document_id, limits
            )


def error_response(status: int, retry_after: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after else {}
    body = {"error": {"code": "unavailable", "message": "try again"}}
    return httpx.Response(status, headers=headers, json=body)


@dataclass
class Flaky(httpx.BaseTransport):
    """Plays `script` one request at a time: "drop" (the request never arrives), "lost"
    (it is served, its answer is lost), a status (answered without reaching the app),
    None (served). Records each request's idempotency key."""

    inner: httpx.BaseTransport
    script: list[Any]
    keys: list[str | None] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.keys.append(request.headers.get("Idempotency-Key"))
        action = self.script.pop(0) if self.script else None
        if action == "drop":
            raise httpx.ConnectError("connection refused", request=request)
        if action == "lost":
            self.inner.handle_request(request).read()
            raise httpx.RemoteProtocolError("server disconnected", request=request)
        if isinstance(action, int):
            request.read()
            return error_response(action, retry_after="2" if action == 429 else None)
        return self.inner.handle_request(request)


class Chaos:
    """ASGI middleware playing a script on the real server: "lost" serves the request,
    then drops the connection in the middle of the answer; a status answers it at once."""

    def __init__(self, app: ASGIApp, script: list[Any]) -> None:
        self.app, self.script = app, script
        self.keys: list[str | None] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = dict(scope["headers"]).get(b"idempotency-key")
        self.keys.append(key.decode() if key else None)
        action = self.script.pop(0) if self.script else None
        if action is None:
            await self.app(scope, receive, send)
            return
        if action == "lost":
            await self.app(scope, receive, _discard)
            await send(
                {
                    "type": "http.response.start",
                    "status": 202,
                    "headers": [(b"content-length", b"500")],
                }
            )
            raise ConnectionAbortedError("the answer is lost on the way")
        while (await receive()).get("more_body"):
            pass
        headers = [(b"retry-after", b"0")] if action == 429 else []
        await send({"type": "http.response.start", "status": action, "headers": headers})
        await send(
            {
                "type": "http.response.body",
                "body": b'{"error":{"code":"unavailable","message":"busy"}}',
            }
        )


async def _discard(message: Message) -> None:
    return None


@contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port, in a thread; yields its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
