"""Sign-in links: the single-use links the console mails to a person who asks to sign in
by e-mail. Only the hash of a link's secret is kept, like an API token's; a link is used
by one conditional UPDATE, so two web processes given the same link at the same moment
cannot both open a session with it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.persistence.models import Base, utcnow


class SignInLink(Base):
    __tablename__ = "sign_in_links"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class SignInLinks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, link: SignInLink) -> SignInLink:
        self.session.add(link)
        return link

    def use(self, digest: str, now: datetime) -> uuid.UUID | None:
        """Mark the link used if it is unused and unexpired; its user's id, else None.
        The condition is in the UPDATE itself: of two uses racing, the second finds the
        row already used (PostgreSQL re-reads it after the first commits)."""
        used = self.session.execute(
            update(SignInLink)
            .where(
                SignInLink.token_hash == digest,
                SignInLink.used_at.is_(None),
                SignInLink.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if used.rowcount != 1:  # type: ignore[attr-defined]
            return None
        query = select(SignInLink.user_id).where(SignInLink.token_hash == digest)
        return self.session.scalar(query)

    def forget_expired(self, now: datetime) -> int:
        """Expired links are worth nothing, used or not: no need to keep them."""
        gone = self.session.execute(
            delete(SignInLink)
            .where(SignInLink.expires_at <= now)
            .execution_options(synchronize_session=False)
        )
        return int(gone.rowcount)  # type: ignore[attr-defined]
