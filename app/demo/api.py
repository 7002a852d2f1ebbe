"""The demo's producers: Dossier's HTTP API on a free local port in a thread of the demo,
and the Python client, one API token per person, as a scanner or a mail importer uses it."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import uvicorn

from app.bootstrap import Runtime
from app.client import Dossier
from app.services import tokens
from app.web import create_app

START_SECONDS = 30.0


class DemoApi:
    """Started on first use; `close()` stops it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._url = ""
        self._clients: dict[uuid.UUID, Dossier] = {}

    def client(self, user_id: uuid.UUID) -> Dossier:
        if user_id not in self._clients:
            token = tokens.issue(self.runtime.uow(), user_id, "demo").secret
            self._clients[user_id] = Dossier(self._started(), token)
        return self._clients[user_id]

    def _started(self) -> str:
        if self._server is None:
            listening = socket.socket()
            listening.bind(("127.0.0.1", 0))
            app = create_app(self.runtime, broker_check=lambda: None)
            config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
            self._server = uvicorn.Server(config)
            self._thread = threading.Thread(
                target=self._server.run, kwargs={"sockets": [listening]}, daemon=True
            )
            self._thread.start()
            self._url = f"http://127.0.0.1:{listening.getsockname()[1]}"
            deadline = time.monotonic() + START_SECONDS
            while not self._server.started and time.monotonic() < deadline:
                time.sleep(0.02)
        return self._url

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
