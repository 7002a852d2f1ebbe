"""A lifecycle change made by a real worker is posted, signed, to a real HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from app.persistence.webhooks import WebhookDelivery
from app.services import messages
from tests.integration.conftest import Practice, Stack

SECRET = "integration-secret"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[bytes, dict[str, str]]]]]:
    received: list[tuple[bytes, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, dict(self.headers.items())))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_deactivation_is_posted_signed_and_logged_as_delivered(
    stack: Stack,
    practice: Practice,
    receiver: tuple[str, list[tuple[bytes, dict[str, str]]]],
) -> None:
    url, received = receiver
    stack.start_worker(
        DOSSIER_WEBHOOK_URLS=json.dumps([url]),
        DOSSIER_WEBHOOK_SECRET=SECRET,
    )
    job = stack.send(
        messages.DEACTIVATE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    assert stack.wait_for_job(job).status == "done"

    stack.send(messages.DELIVER_WEBHOOKS)
    stack.wait_for("the first post", lambda: len(received) >= 1)

    body, headers = received[0]
    stamp = headers["X-Dossier-Timestamp"]
    digest = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    assert headers["X-Dossier-Signature"] == "sha256=" + digest.hexdigest()
    event = json.loads(body)
    assert event["type"] == "client_file.deactivate"
    assert event["client_file_id"] == str(practice.client_file_id)

    def logged() -> bool:
        return stack.scalar(sa.select(WebhookDelivery.status)) == "delivered"

    stack.wait_for("the delivery to be logged as delivered", logged)
    assert len(received) == 1
