"""Posting lifecycle events to the operator's webhook URLs and to the endpoints practices
registered: signed with HMAC-SHA256, retried with exponential backoff, every attempt kept
in the delivery log.

A receiver checks `X-Dossier-Signature: sha256=<hex>`, the HMAC of
`<X-Dossier-Timestamp>.<body>` under its secret (the operator's, or the one its endpoint
was given), and may use the event `id` to ignore a repeat: a delivery whose answer was
lost is posted again."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.config import Settings
from app.persistence.models import LifecycleEvent
from app.persistence.uow import UnitOfWork
from app.persistence.webhooks import DELIVERED, FAILED, PENDING
from app.services.webhook_http import DeliveryFailed, GuardedSender, HttpSender

log = logging.getLogger(__name__)

# Sends (url, body, headers) and returns the HTTP status; raises DeliveryFailed when no
# answer came (`webhook_http.HttpSender` is the real one).
Sender = Callable[[str, bytes, dict[str, str]], int]

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # a sender that dies mid-post leaves its delivery due again


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def backoff(attempts: int, first: timedelta = FIRST_RETRY) -> timedelta:
    """30 s, 1 min, 2 min, ... at most an hour, from `first` (the setting)."""
    wait: timedelta = first * (2 ** max(0, attempts - 1))
    return min(wait, LONGEST_WAIT)


def event_body(event: LifecycleEvent) -> bytes:
    payload: dict[str, Any] = {
        "id": str(event.id),
        "type": f"client_file.{event.action}",
        "client_file_id": str(event.client_file_id),
        "practice_id": str(event.practice_id) if event.practice_id else None,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "from": event.from_state,
        "to": event.to_state,
        "counts": event.counts,
        "created_at": event.created_at.isoformat(),
    }
    return json.dumps(payload, sort_keys=True).encode()


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: uuid.UUID
    url: str
    attempts: int
    # None: its event is gone (never: events are append-only), or its endpoint removed.
    body: bytes | None
    secret: str | None  # the endpoint's; None: an operator URL, signed with the operator's


@dataclass(frozen=True, slots=True)
class Policy:
    """How deliveries are retried."""

    max_attempts: int = 8
    first_retry: timedelta = FIRST_RETRY

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            settings.webhook_max_attempts,
            timedelta(seconds=settings.webhook_first_retry_seconds),
        )


GONE = DeliveryFailed("gone", "The event or its endpoint no longer exists.", final=True)


def deliver_due(
    uow: UnitOfWork,
    *,
    send: Sender,
    secret: str,
    policy: Policy,
    send_to_practice: Sender | None = None,
    now: datetime | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Post the due deliveries: operator URLs through `send`, practices' endpoints through
    `send_to_practice` (which checks where it posts to; default: `send`)."""
    now = now or uow.clock()
    claimed = _claim(uow, now, limit)
    outcomes = {DELIVERED: 0, PENDING: 0, FAILED: 0}
    for item in claimed:
        stamp = str(int(now.timestamp()))
        code: int | None = None
        error: DeliveryFailed | None = GONE
        if item.body is not None:
            headers = {
                "Content-Type": "application/json",
                "X-Dossier-Timestamp": stamp,
                "X-Dossier-Signature": signature(item.secret or secret, stamp, item.body),
                "X-Dossier-Delivery": str(item.id),
            }
            sender = send if item.secret is None else (send_to_practice or send)
            code, error = _attempt(sender, item.url, item.body, headers)
        outcomes[_record(uow, item, code, error, now, policy)] += 1
    return DeliveryReport(outcomes[DELIVERED], outcomes[PENDING], outcomes[FAILED])


def deliver_over_http(uow: UnitOfWork, settings: Settings) -> DeliveryReport:
    """`deliver_due` with the real senders (beat's task and `dossier webhooks deliver`)."""
    sender = HttpSender(timeout=settings.webhook_timeout_seconds)
    guarded = GuardedSender(sender, allow_private=settings.webhook_allow_private)
    try:
        return deliver_due(
            uow,
            send=sender,
            secret=settings.webhook_secret,
            policy=Policy.from_settings(settings),
            send_to_practice=guarded,
        )
    finally:
        sender.close()


def _attempt(
    send: Sender, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int | None, DeliveryFailed | None]:
    """One post; a failure of any kind is this delivery's outcome, never the batch's."""
    try:
        return send(url, body, headers), None
    except DeliveryFailed as failed:
        return None, failed
    except Exception as error:
        log.exception("webhook to %s failed: %r", url, error)
        return None, DeliveryFailed("send_error", "The event could not be sent.")


def _claim(uow: UnitOfWork, now: datetime, limit: int) -> list[_Claimed]:
    with uow:
        claimed = []
        deliveries = uow.webhooks
        for delivery in deliveries.claim_due(now, limit):
            delivery.attempts += 1
            delivery.next_attempt_at = now + LEASE
            event = uow.session.get(LifecycleEvent, delivery.event_id)
            body = event_body(event) if event is not None else None
            secret = None
            if delivery.endpoint_id is not None:
                endpoint = deliveries.endpoint(delivery.endpoint_id)
                live = endpoint is not None and endpoint.removed_at is None
                body, secret = (body, endpoint.secret) if live and endpoint else (None, "")
            claimed.append(_Claimed(delivery.id, delivery.url, delivery.attempts, body, secret))
        uow.commit()
        return claimed


def _record(
    uow: UnitOfWork,
    item: _Claimed,
    code: int | None,
    error: DeliveryFailed | None,
    now: datetime,
    policy: Policy,
) -> str:
    with uow:
        delivery = uow.webhooks.get(item.id)
        if delivery is None:
            return FAILED
        delivery.last_status_code = code
        delivery.last_error = None if error is None else f"{error.code}: {error.message}"
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at = DELIVERED, now
        elif item.body is None or item.attempts >= policy.max_attempts or (error and error.final):
            delivery.status = FAILED
            log.warning("webhook %s to %s failed for good", item.id, item.url)
        else:
            delivery.next_attempt_at = now + backoff(item.attempts, policy.first_retry)
        uow.commit()
        return delivery.status
