"""The mail outbox: a message is written in the transaction of what it tells (an
invitation, a lifecycle change), and a sender task delivers it afterwards. Without an
SMTP server configured, messages stay here, readable with `dossier outbox`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, Uuid, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.persistence import clock
from app.persistence.models import Base, utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutboxMail(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # What it is about, for the log: invitation, detach, deactivate, reactivate, delete.
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Outbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, kind: str, to_address: str, subject: str, body: str) -> OutboxMail:
        mail = OutboxMail(
            id=uuid.uuid4(),
            kind=kind,
            to_address=to_address,
            subject=subject,
            body=body,
            status=PENDING,
            attempts=0,
            next_attempt_at=clock.now(self.session),
        )
        self.session.add(mail)
        return mail

    def get(self, mail_id: uuid.UUID) -> OutboxMail | None:
        return self.session.get(OutboxMail, mail_id)

    def claim_due(self, now: datetime, limit: int) -> Sequence[OutboxMail]:
        """Due messages, FOR UPDATE SKIP LOCKED: two senders never send the same one."""
        query = (
            select(OutboxMail)
            .where(OutboxMail.status == PENDING, OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).all()

    def latest(self, limit: int, to_address: str | None = None) -> Sequence[OutboxMail]:
        query = select(OutboxMail)
        if to_address:
            query = query.where(OutboxMail.to_address == to_address)
        query = query.order_by(OutboxMail.created_at.desc()).limit(limit)
        return self.session.scalars(query).all()
