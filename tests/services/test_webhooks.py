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

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.model import Action
from app.persistence.uow import UnitOfWork
from app.persistence.webhooks import WebhookDelivery
from app.services import admin, webhooks
from app.services.webhook_http import DeliveryFailed, HttpSender
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
        office.uow,
        send=send,
        secret=SECRET,
        policy=webhooks.Policy(max_attempts=attempts),
        now=now,
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


def _answering(status: int, location: str | None = None) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        headers = {"Location": location} if location else {}
        return httpx.Response(status, headers=headers)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed(status: int) -> None:
    followed: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host != "books.example":
            followed.append(str(request.url))
            return httpx.Response(200)
        return httpx.Response(status, headers={"Location": "https://elsewhere.example/steal"})

    sender = HttpSender(transport=httpx.MockTransport(handle))

    answer = sender(URLS[0], b"{}", {"X-Dossier-Signature": "sha256=ab"})

    assert answer == status  # a failed attempt, retried later; never sent elsewhere
    assert followed == []


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "bad_url"),
        ("ftp://books.example/hook", "bad_url"),
        ("https://", "bad_url"),
        ("not a url", "bad_url"),
    ],
)
def test_only_http_urls_are_posted_to(url: str, code: str) -> None:
    sender = HttpSender(transport=_answering(200))

    with pytest.raises(DeliveryFailed) as failed:
        sender(url, b"{}", {})

    assert failed.value.code == code
    assert failed.value.final


@pytest.mark.parametrize(
    ("problem", "code"),
    [
        (httpx.ConnectTimeout("slow"), "timeout"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.ConnectError("refused"), "unreachable"),
        (httpx.RemoteProtocolError("garbage"), "unreachable"),
        (ConnectionResetError("reset"), "unreachable"),
        (TypeError("unexpected"), "send_error"),
    ],
)
def test_every_error_class_becomes_a_stable_code(problem: Exception, code: str) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise problem

    sender = HttpSender(transport=httpx.MockTransport(handle))

    with pytest.raises(DeliveryFailed) as failed:
        sender(URLS[0], b"{}", {})

    assert failed.value.code == code
    assert str(problem) not in failed.value.message


def test_a_bad_url_fails_its_delivery_for_good_and_the_batch_goes_on(
    sessions: sessionmaker[Session],
    dispatcher: FakeDispatcher,
    blobs: LocalBlobStore,
    settings: Settings,
) -> None:
    urls = ("file:///etc/passwd", URLS[0])
    uow = UnitOfWork(sessions, dispatcher, webhook_urls=urls)
    practice_id = admin.create_practice(uow, "Cabinet Dupont")
    staff_id = admin.create_staff_user(uow, practice_id, "Claire Dupont", "claire@dupont.test")
    file_id = admin.create_client_file(uow, practice_id, "Boulangerie Martin")
    office = Office(uow, blobs, settings, practice_id, staff_id, file_id)
    office.change(Action.DEACTIVATE)
    sender = HttpSender(transport=_answering(204))

    report = deliver(office, sender, attempts=5)

    rows = {row.url: row for row in deliveries(office)}
    assert (report.delivered, report.failed) == (1, 1)
    assert rows[urls[0]].status == "failed"
    assert rows[urls[0]].last_error == "bad_url: Webhook URLs must be http(s) URLs."
    assert rows[URLS[0]].status == "delivered"


def test_a_sender_that_raises_anything_fails_only_its_delivery(hooked: Office) -> None:
    hooked.change(Action.DEACTIVATE)
    calls: list[str] = []

    def flaky(url: str, body: bytes, headers: dict[str, str]) -> int:
        calls.append(url)
        if url == URLS[0]:
            raise TypeError("unsupported scheme")
        return 200

    report = deliver(hooked, flaky)

    rows = {row.url: row for row in deliveries(hooked)}
    assert (report.delivered, report.retrying) == (1, 1)
    assert rows[URLS[0]].last_error == "send_error: The event could not be sent."


def test_a_url_that_is_not_http_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="http"):
        Settings(_env_file=None, webhook_urls=("file:///x",), webhook_secret="s")  # type: ignore[call-arg]
