"""Webhook deliveries: one row per lifecycle event and receiver (an operator URL, or an
endpoint a practice registered), written in the same transaction as the event (an
outbox), so an event is never announced without having happened, nor happens without
being announced. The rows are the delivery log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.domain.webhook_targets import wants
from app.persistence.models import Base, LifecycleEvent, utcnow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # No foreign key, like the event itself: the log outlives the file.
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # The practice's endpoint it goes to; None: an operator URL (DOSSIER_WEBHOOK_URLS).
    endpoint_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class WebhookEndpoint(Base):
    """A receiver a practice registered: it gets the events the practice may read."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practices.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # Kept in clear: signing needs it. Shown to the practice once, at registration.
    secret: Mapped[str] = mapped_column(String(100))
    # Event types it wants (`client_file.detach`, ...); empty: all of them.
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]


_URLS = "dossier.webhook_urls"


def announce_events(session: Session, urls: Sequence[str]) -> None:
    """From now on, every lifecycle event this session writes gets a delivery per
    operator URL and per endpoint of a practice that may read it.

    One listener, registered once for every session, does it for the sessions marked
    here: adding a listener to each new session was a measurable part of an upload's
    CPU time."""
    session.info[_URLS] = tuple(urls)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, context: Any, instances: Any) -> None:
    urls = session.info.get(_URLS)
    if urls is None:
        return
    new_events = [item for item in session.new if isinstance(item, LifecycleEvent)]
    if not new_events:
        return
    for item in new_events:
        item.id = item.id or uuid.uuid4()
        for url in urls:
            session.add(WebhookDelivery(event_id=item.id, url=url, status=PENDING))
    for item, endpoint in _practice_receivers(session, new_events):
        session.add(
            WebhookDelivery(
                event_id=item.id, url=endpoint.url, endpoint_id=endpoint.id, status=PENDING
            )
        )


def _practice_receivers(
    session: Session, new_events: list[LifecycleEvent]
) -> list[tuple[LifecycleEvent, WebhookEndpoint]]:
    practices = {p for item in new_events for p in (item.practice_id, item.to_practice_id) if p}
    if not practices:
        return []
    query = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.practice_id.in_(sorted(practices)))
        .where(WebhookEndpoint.removed_at.is_(None))
        .execution_options(autoflush=False)
    )
    endpoints = session.scalars(query).all()
    return [
        (item, endpoint)
        for item in new_events
        for endpoint in endpoints
        if endpoint.practice_id in (item.practice_id, item.to_practice_id)
        and wants(list(endpoint.event_types), item.action)
    ]


class WebhookDeliveries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, delivery_id: uuid.UUID) -> WebhookDelivery | None:
        return self.session.get(WebhookDelivery, delivery_id)

    def claim_due(self, now: datetime, limit: int) -> Sequence[WebhookDelivery]:
        """Due deliveries, FOR UPDATE SKIP LOCKED: two senders never post the same one."""
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).all()

    def latest(self, limit: int) -> Sequence[WebhookDelivery]:
        query = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc()).limit(limit)
        return self.session.scalars(query).all()

    def of_endpoint(
        self, endpoint_id: uuid.UUID, *, limit: int, offset: int
    ) -> Sequence[WebhookDelivery]:
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
            .limit(limit)
            .offset(offset)
        )
        return self.session.scalars(query).all()

    def add(self, delivery: WebhookDelivery) -> WebhookDelivery:
        self.session.add(delivery)
        return delivery

    def endpoint(self, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
        return self.session.get(WebhookEndpoint, endpoint_id)

    def add_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        self.session.add(endpoint)
        return endpoint

    def endpoints_of(self, practice_id: uuid.UUID) -> Sequence[WebhookEndpoint]:
        query = (
            select(WebhookEndpoint)
            .where(WebhookEndpoint.practice_id == practice_id)
            .where(WebhookEndpoint.removed_at.is_(None))
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
        return self.session.scalars(query).all()

    def for_event(self, event_id: uuid.UUID) -> Sequence[WebhookDelivery]:
        query = select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
        return self.session.scalars(query).all()
