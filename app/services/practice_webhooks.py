"""A practice's own webhook endpoints: registered by its admins (the URL checked and its
host resolved, a secret made and shown once), listed, removed; their delivery log read
and a delivery posted again by any member of its staff. They receive the events the
practice may read (`app.domain.audit`), filtered by event type."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.model import Actor
from app.domain.webhook_targets import TargetRefused, checked_event_types
from app.errors import Forbidden, InvalidInput, NotFound
from app.persistence.uow import UnitOfWork
from app.persistence.webhooks import (
    PENDING,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.services import idempotency
from app.services.idempotency import Answered, KeyClaim
from app.services.webhook_http import Resolver, public_addresses, resolve

SECRET_PREFIX = "whsec_"


@dataclass(frozen=True, slots=True)
class EndpointView:
    id: uuid.UUID
    url: str
    event_types: list[str]
    created_by: uuid.UUID
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Registered:
    endpoint: EndpointView
    secret: str  # shown once


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: uuid.UUID
    event_id: uuid.UUID
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None


def endpoint_view(endpoint: WebhookEndpoint) -> EndpointView:
    return EndpointView(
        endpoint.id,
        endpoint.url,
        list(endpoint.event_types),
        endpoint.created_by,
        endpoint.created_at,
    )


def delivery_view(delivery: WebhookDelivery) -> DeliveryView:
    return DeliveryView(
        delivery.id,
        delivery.event_id,
        delivery.status,
        delivery.attempts,
        delivery.last_status_code,
        delivery.last_error,
        delivery.next_attempt_at,
        delivery.created_at,
        delivery.delivered_at,
    )


def register(
    uow: UnitOfWork,
    actor: Actor,
    url: str,
    event_types: list[str],
    *,
    allow_private: bool,
    resolver: Resolver = resolve,
) -> Registered:
    practice_id = _practice(actor, admin=True)
    try:
        wanted = checked_event_types(event_types)
        public_addresses(url, allow_private=allow_private, resolver=resolver)
    except TargetRefused as refused:
        raise InvalidInput(refused.message, reason=refused.code) from None
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with uow:
        endpoint = uow.webhooks.add_endpoint(
            WebhookEndpoint(
                id=uuid.uuid4(),
                practice_id=practice_id,
                url=url,
                secret=secret,
                event_types=wanted,
                created_by=actor.user_id,
                created_at=uow.clock(),
            )
        )
        uow.commit()
        return Registered(endpoint_view(endpoint), secret)


def list_endpoints(uow: UnitOfWork, actor: Actor) -> list[EndpointView]:
    practice_id = _practice(actor, admin=False)
    with uow:
        return [endpoint_view(e) for e in uow.webhooks.endpoints_of(practice_id)]


def remove(uow: UnitOfWork, actor: Actor, endpoint_id: uuid.UUID) -> None:
    """No new deliveries from now on; those still pending are given up."""
    remove_once(uow, None, actor, endpoint_id)


def remove_once(
    uow: UnitOfWork, claim: KeyClaim | None, actor: Actor, endpoint_id: uuid.UUID
) -> Answered[None]:
    _practice(actor, admin=True)

    def work() -> None:
        _endpoint(uow, actor, endpoint_id).removed_at = uow.clock()

    return idempotency.answered(uow, claim, type(None), work)


def deliveries(
    uow: UnitOfWork, actor: Actor, endpoint_id: uuid.UUID, *, limit: int, offset: int
) -> list[DeliveryView]:
    """The endpoint's delivery log, newest first."""
    _practice(actor, admin=False)
    with uow:
        _endpoint(uow, actor, endpoint_id)
        rows = uow.webhooks.of_endpoint(endpoint_id, limit=limit, offset=offset)
        return [delivery_view(row) for row in rows]


def redeliver(
    uow: UnitOfWork, actor: Actor, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> DeliveryView:
    """Post a delivery's event again, as a new delivery (the log keeps the old one)."""
    return redeliver_once(uow, None, actor, endpoint_id, delivery_id).value


def redeliver_once(
    uow: UnitOfWork,
    claim: KeyClaim | None,
    actor: Actor,
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> Answered[DeliveryView]:
    """`redeliver`, once per idempotency key: sent again, one new delivery."""
    _practice(actor, admin=False)
    return idempotency.answered(
        uow, claim, DeliveryView, lambda: _redeliver(uow, actor, endpoint_id, delivery_id)
    )


def _redeliver(
    uow: UnitOfWork, actor: Actor, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> DeliveryView:
    endpoint = _endpoint(uow, actor, endpoint_id)
    repository = uow.webhooks
    earlier = repository.get(delivery_id)
    if earlier is None or earlier.endpoint_id != endpoint.id:
        raise NotFound("No such delivery.", delivery_id=delivery_id)
    now = uow.clock()
    again = repository.add(
        WebhookDelivery(
            id=uuid.uuid4(),
            event_id=earlier.event_id,
            url=endpoint.url,
            endpoint_id=endpoint.id,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return delivery_view(again)


def _practice(actor: Actor, *, admin: bool) -> uuid.UUID:
    if not actor.is_staff or actor.practice_id is None:
        raise Forbidden("Only practice staff can manage the practice's webhooks.")
    if admin and not actor.is_practice_admin:
        raise Forbidden("Only an admin of the practice can add or remove its webhooks.")
    return actor.practice_id


def _endpoint(uow: UnitOfWork, actor: Actor, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = uow.webhooks.endpoint(endpoint_id)
    if (
        endpoint is None
        or endpoint.removed_at is not None
        or endpoint.practice_id != (actor.practice_id)
    ):
        raise NotFound("No such webhook endpoint.", endpoint_id=endpoint_id)
    return endpoint
