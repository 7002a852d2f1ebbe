"""Practices' own endpoints: they get the events their practice may read, filtered by
type, signed with their own secret; the host is checked again before every post."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from app.domain import audit
from app.domain.model import Action, Actor, Role
from app.errors import InvalidInput
from app.persistence.audit import readable_by
from app.persistence.models import LifecycleEvent
from app.persistence.webhooks import FAILED, PENDING
from app.services import admin, idempotency, practice_webhooks, webhooks
from app.services.webhook_http import GuardedSender, HttpSender
from tests.services.conftest import Office
from tests.services.test_webhooks import deliveries

PUBLIC = "93.184.216.34"
URL = "https://books.example/hooks"
OPERATOR_SECRET = "operator-secret"


def public(host: str, port: int) -> list[str]:
    return [PUBLIC]


def private(host: str, port: int) -> list[str]:
    return ["10.0.0.7"]


def admin_of(office: Office) -> Actor:
    user = admin.create_staff_user(
        office.uow, office.practice_id, "Ada", f"ada-{uuid.uuid4().hex[:6]}@x.test", is_admin=True
    )
    return office.actor(user)


def register(office: Office, *types: str) -> practice_webhooks.Registered:
    return practice_webhooks.register(
        office.uow, admin_of(office), URL, list(types), allow_private=False, resolver=public
    )


def recording_sender(posted: list[httpx.Request]) -> HttpSender:
    def answer(request: httpx.Request) -> httpx.Response:
        posted.append(request)
        return httpx.Response(204)

    return HttpSender(transport=httpx.MockTransport(answer))


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.received.append((url, body, headers))
        return 204


def deliver(office: Office, send: object, now: datetime | None = None) -> webhooks.DeliveryReport:
    return webhooks.deliver_due(
        office.uow,
        send=send,  # type: ignore[arg-type]
        secret=OPERATOR_SECRET,
        policy=webhooks.Policy(max_attempts=3),
        now=now or datetime.now(UTC) + timedelta(seconds=1),
    )


def test_an_endpoint_gets_the_types_it_asked_for_signed_with_its_own_secret(
    office: Office,
) -> None:
    registered = register(office, "client_file.deactivate")
    office.change(Action.DEACTIVATE)
    office.change(Action.REACTIVATE)
    receiver = Receiver()

    report = deliver(office, receiver)

    assert report.delivered == 1
    url, body, headers = receiver.received[0]
    assert url == URL
    stamp = headers["X-Dossier-Timestamp"]
    digest = hmac.new(registered.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    assert headers["X-Dossier-Signature"] == "sha256=" + digest.hexdigest()
    assert b'"client_file.deactivate"' in body


def test_another_practices_endpoint_gets_nothing(office: Office) -> None:
    other = admin.create_practice(office.uow, "Other")
    boss = admin.create_staff_user(office.uow, other, "Oz", "oz@other.test", is_admin=True)
    practice_webhooks.register(
        office.uow, office.actor(boss), URL, [], allow_private=False, resolver=public
    )

    office.change(Action.DEACTIVATE)

    assert deliveries(office) == []


def test_a_private_address_is_refused_at_registration(office: Office) -> None:
    with pytest.raises(InvalidInput) as refused:
        practice_webhooks.register(
            office.uow, admin_of(office), URL, [], allow_private=False, resolver=private
        )

    assert "private" in refused.value.message


def test_a_host_that_turned_private_gets_nothing_and_the_post_is_given_up(office: Office) -> None:
    register(office)
    office.change(Action.DEACTIVATE)
    posted: list[httpx.Request] = []
    http = HttpSender(
        transport=httpx.MockTransport(lambda r: posted.append(r) or httpx.Response(204))
    )
    guarded = GuardedSender(http, allow_private=False, resolver=private)

    report = deliver(office, guarded)

    assert posted == []
    assert report.failed == 1
    [row] = deliveries(office)
    assert row.status == FAILED
    assert (row.last_error or "").startswith("private_address")


def test_the_post_goes_to_the_address_checked_with_the_original_host_name(office: Office) -> None:
    register(office)
    office.change(Action.DEACTIVATE)
    posted: list[httpx.Request] = []
    http = HttpSender(
        transport=httpx.MockTransport(lambda r: posted.append(r) or httpx.Response(204))
    )

    report = deliver(office, GuardedSender(http, allow_private=False, resolver=public))

    assert report.delivered == 1
    assert posted[0].url.host == PUBLIC
    assert posted[0].headers["host"] == "books.example"
    assert posted[0].extensions["sni_hostname"] == "books.example"


def test_a_removed_endpoints_pending_delivery_is_given_up(office: Office) -> None:
    registered = register(office)
    office.change(Action.DEACTIVATE)
    practice_webhooks.remove(office.uow, admin_of(office), registered.endpoint.id)
    receiver = Receiver()

    report = deliver(office, receiver)

    assert receiver.received == []
    assert report.failed == 1


def test_a_redelivery_is_a_new_delivery_of_the_same_event(office: Office) -> None:
    registered = register(office)
    office.change(Action.DEACTIVATE)
    deliver(office, Receiver())
    [first] = deliveries(office)

    again = practice_webhooks.redeliver(
        office.uow, office.actor(), registered.endpoint.id, first.id
    )

    assert again.id != first.id
    assert again.event_id == first.event_id
    assert again.status == PENDING
    assert deliver(office, Receiver()).delivered == 1


def test_a_redelivery_sent_again_with_its_key_is_one_new_delivery(office: Office) -> None:
    registered = register(office)
    office.change(Action.DEACTIVATE)
    deliver(office, Receiver())
    [first] = deliveries(office)
    claim = idempotency.KeyClaim("token:t", "redo-1", "fingerprint", timedelta(hours=1))

    once = practice_webhooks.redeliver_once(
        office.uow, claim, office.actor(), registered.endpoint.id, first.id
    )
    again = practice_webhooks.redeliver_once(
        office.uow, claim, office.actor(), registered.endpoint.id, first.id
    )

    assert (once.replayed, again.replayed) == (False, True)
    assert again.value == once.value
    assert len(deliveries(office)) == 2


def test_the_query_reads_exactly_what_the_domain_rule_allows(office: Office) -> None:
    a, b = office.practice_id, admin.create_practice(office.uow, "B")
    other_file = office.new_file()
    events = []
    with office.uow:
        for file_id, before, after in itertools.product(
            (office.file_id, other_file), (a, b, None), (a, b, None)
        ):
            event = office.uow.lifecycle.add_event(
                LifecycleEvent(
                    client_file_id=file_id,
                    practice_id=before,
                    action="retry",
                    from_state={},
                    to_state={"practice_id": str(after) if after else None},
                )
            )
            events.append(event)
        office.uow.commit()
    readers = [
        Actor(uuid.uuid4(), Role.STAFF, a),
        Actor(uuid.uuid4(), Role.STAFF, b),
        Actor(uuid.uuid4(), Role.STAFF, None),
        Actor(uuid.uuid4(), Role.CLIENT, None, frozenset({office.file_id})),
    ]
    for reader in readers:
        expected = {
            e.id
            for e in events
            if audit.can_read(reader, e.client_file_id, e.practice_id, e.to_practice_id)
        }
        where = readable_by(
            reader.practice_id if reader.is_staff else None,
            frozenset() if reader.is_staff else reader.client_file_ids,
        )
        with office.uow:
            found = set(office.uow.session.scalars(select(LifecycleEvent.id).where(where)))
        assert found == expected, reader
