"""Lifecycle events posted to webhook URLs: one delivery per event and URL, written with
the event; signed; retried with backoff; given up after the last attempt; logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.model import Action
from app.persistence.uow import UnitOfWork
from app.persistence.webhooks import WebhookDelivery
from app.services import admin, webhooks
from app.services.webhook_http import HttpSender
from app.storage import LocalBlobStore
from tests.services.conftest import FakeDispatcher, Office

URLS = ("https://books.example/hooks", "https://crm.example/dossier")
SECRET = "s3cret"
NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


@dataclass
class Receiver:
    """Answers with the codes it is given, in turn, then 200; keeps what it received."""

    codes: list[int] = field(default_factory=list)
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.received.append((url, body, headers))
        return self.codes.pop(0) if self.codes else 200


@pytest.fixture
def hooked(
    sessions: sessionmaker[Session],
    dispatcher: FakeDispatcher,
    blobs: LocalBlobStore,
    settings: Settings,
) -> Office:
    uow = UnitOfWork(sessions, dispatcher, webhook_urls=URLS)
    practice_id = admin.create_practice(uow, "Cabinet Dupont")
    staff_id = admin.create_staff_user(uow, practice_id, "Claire Dupont", "claire@dupont.test")
    file_id = admin.create_client_file(uow, practice_id, "Boulangerie Martin")
    return Office(uow, blobs, settings, practice_id, staff_id, file_id)


def deliveries(office: Office) -> list[WebhookDelivery]:
    with office.uow:
        rows = list(office.uow.session.scalars(select(WebhookDelivery)))
        for row in rows:
            office.uow.session.expunge(row)
        return rows


def deliver(office: Office, send: Any, now: datetime = NOW, attempts: int = 3) -> Any:
    return webhooks.deliver_due(
        office.uow, send=send, secret=SECRET, max_attempts=attempts, now=now
    )


def test_each_change_is_announced_once_per_url_and_a_refusal_not_at_all(hooked: Office) -> None:
    hooked.change(Action.DEACTIVATE)
    hooked.change(Action.DEACTIVATE)  # refused: already deactivated

    rows = deliveries(hooked)

    assert sorted(row.url for row in rows) == sorted(URLS)
    assert {row.status for row in rows} == {"pending"}
    assert len({row.event_id for row in rows}) == 1


def test_a_delivery_is_signed_and_says_what_happened(hooked: Office) -> None:
    hooked.change(Action.DEACTIVATE)
    receiver = Receiver()

    report = deliver(hooked, receiver)

    assert report == webhooks.DeliveryReport(delivered=2)
    _url, body, headers = receiver.received[0]
    expected = hmac.new(
        SECRET.encode(), headers["X-Dossier-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Dossier-Signature"] == f"sha256={expected}"
    event = json.loads(body)
    assert event["type"] == "client_file.deactivate"
    assert event["client_file_id"] == str(hooked.file_id)
    assert (event["from"]["status"], event["to"]["status"]) == ("active", "deactivated")
    assert {row.status for row in deliveries(hooked)} == {"delivered"}
    assert deliver(hooked, receiver, NOW + timedelta(hours=1)) == webhooks.DeliveryReport()


def test_failures_are_retried_with_backoff_then_given_up(hooked: Office) -> None:
    hooked.change(Action.DEACTIVATE)
    failing = Receiver(codes=[500] * 10)

    first = deliver(hooked, failing, NOW)
    too_soon = deliver(hooked, failing, NOW + timedelta(seconds=29))
    second = deliver(hooked, failing, NOW + timedelta(seconds=30))
    third = deliver(hooked, failing, NOW + timedelta(seconds=30 + 60))
    after = deliver(hooked, failing, NOW + timedelta(days=1))

    assert (first.retrying, too_soon, second.retrying) == (2, webhooks.DeliveryReport(), 2)
    assert third.failed == 2
    assert after == webhooks.DeliveryReport()
    rows = deliveries(hooked)
    assert {(row.status, row.attempts, row.last_status_code) for row in rows} == {
        ("failed", 3, 500)
    }


def test_an_unreachable_receiver_is_logged_and_retried(hooked: Office) -> None:
    hooked.change(Action.DEACTIVATE)

    def unreachable(url: str, body: bytes, headers: dict[str, str]) -> int:
        raise ConnectionRefusedError("connection refused")

    first = deliver(hooked, unreachable)
    later = deliver(hooked, Receiver(), NOW + timedelta(seconds=30))

    assert (first.retrying, later.delivered) == (2, 2)
    assert {row.last_error for row in deliveries(hooked)} == {None}


def test_a_deletion_is_announced_after_the_file_is_gone(hooked: Office) -> None:
    from app.services import deletion

    hooked.upload()
    deletion.delete(
        hooked.uow,
        hooked.blobs,
        job_id=uuid.uuid4(),
        client_file_id=hooked.file_id,
        actor_id=hooked.staff_id,
        batch_size=2,
    )
    receiver = Receiver()

    deliver(hooked, receiver)

    types = {json.loads(body)["type"] for _, body, _ in receiver.received}
    assert types == {"client_file.delete"}


def test_no_url_no_delivery(office: Office) -> None:
    office.change(Action.DEACTIVATE)
    assert deliveries(office) == []


def test_the_real_sender_posts_over_http() -> None:
    received: list[tuple[bytes, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["X-Dossier-Signature"]))
            self.send_response(204 if len(received) == 1 else 503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    sender = HttpSender()
    try:
        ok = sender(url, b'{"id": "1"}', {"X-Dossier-Signature": "sha256=ab"})
        refused = sender(url, b"{}", {})
    finally:
        sender.close()
        server.shutdown()
        server.server_close()

    assert (ok, refused) == (204, 503)
    assert received[0] == (b'{"id": "1"}', "sha256=ab")


def test_a_url_without_a_secret_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="DOSSIER_WEBHOOK_SECRET"):
        Settings(_env_file=None, webhook_urls=URLS)  # type: ignore[call-arg]
