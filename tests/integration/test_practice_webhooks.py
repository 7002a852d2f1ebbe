"""A practice's own endpoint, on a real worker: a first post that fails is retried after
the backoff and then delivered, signed with the endpoint's secret, while the operator's
URL keeps getting every event with the operator's secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from app.persistence.webhooks import WebhookDelivery
from app.services import admin, messages, practice_webhooks
from tests.integration.conftest import Practice, Stack

OPERATOR_SECRET = "operator-secret"


@dataclass
class Receiver:
    """Answers 500 to the first post on /practice, then 204; keeps every post."""

    base: str = ""
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, path: str) -> list[tuple[bytes, dict[str, str]]]:
        with self.lock:
            return [(body, headers) for p, body, headers in self.received if p == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.received.append((self.path, body, dict(self.headers.items())))
                first = sum(1 for p, _, _ in state.received if p == self.path) == 1
            self.send_response(500 if first and self.path == "/practice" else 204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _signed(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    stamp = headers["X-Dossier-Timestamp"]
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return headers["X-Dossier-Signature"] == "sha256=" + digest.hexdigest()


def test_a_failed_post_to_a_practice_endpoint_is_retried_then_delivered(
    stack: Stack, practice: Practice, receiver: Receiver
) -> None:
    boss = admin.create_staff_user(
        stack.runtime.uow(), practice.practice_id, "Ada", "ada@practice.test", is_admin=True
    )
    with stack.runtime.uow() as uow:
        actor = uow.users.actor(boss)
    assert actor is not None
    registered = practice_webhooks.register(
        stack.runtime.uow(), actor, receiver.base + "/practice", [], allow_private=True
    )
    stack.start_worker(
        DOSSIER_WEBHOOK_URLS=json.dumps([receiver.base + "/operator"]),
        DOSSIER_WEBHOOK_SECRET=OPERATOR_SECRET,
        DOSSIER_WEBHOOK_ALLOW_PRIVATE="true",
        DOSSIER_WEBHOOK_FIRST_RETRY_SECONDS="0.2",
    )
    job = stack.send(
        messages.DEACTIVATE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    assert stack.wait_for_job(job).status == "done"

    def delivered() -> bool:
        stack.send(messages.DELIVER_WEBHOOKS)
        time.sleep(0.3)
        statuses = stack.scalar(
            sa.select(sa.func.count()).where(WebhookDelivery.status == "delivered")
        )
        return bool(statuses == 2)

    stack.wait_for("both deliveries to be delivered", delivered)

    posts = receiver.on("/practice")
    assert len(posts) == 2
    assert posts[0][1]["X-Dossier-Delivery"] == posts[1][1]["X-Dossier-Delivery"]
    assert all(_signed(registered.secret, body, headers) for body, headers in posts)
    assert json.loads(posts[1][0])["type"] == "client_file.deactivate"
    [(body, headers)] = receiver.on("/operator")
    assert _signed(OPERATOR_SECRET, body, headers)
    attempts = stack.scalar(
        sa.select(WebhookDelivery.attempts).where(
            WebhookDelivery.endpoint_id == registered.endpoint.id
        )
    )
    assert attempts == 2
