"""Webhook deliveries: one row per lifecycle event and configured URL, written in the same
transaction as the event (an outbox), so an event is never announced without having
happened, nor happens without being announced. The rows are the delivery log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Uuid, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.persistence.models import Base, LifecycleEvent, utcnow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # No foreign key, like the event itself: the log outlives the file.
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


def announce_events(session: Session, urls: Sequence[str]) -> None:
    """From now on, every lifecycle event this session writes gets a delivery per URL."""

    def before_flush(session: Session, context: Any, instances: Any) -> None:
        for item in list(session.new):
            if isinstance(item, LifecycleEvent):
                item.id = item.id or uuid.uuid4()
                for url in urls:
                    session.add(WebhookDelivery(event_id=item.id, url=url, status=PENDING))

    event.listen(session, "before_flush", before_flush)


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

    def for_event(self, event_id: uuid.UUID) -> Sequence[WebhookDelivery]:
        query = select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
        return self.session.scalars(query).all()
