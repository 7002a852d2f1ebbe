"""Invitations to a client file and clients' requests to attach a file to a practice.

Both hang off the client file (removed with it). An invitation keeps only the hash of its
token, like an API token: the secret leaves once, in the invitation mail."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.domain.consent import InvitationStatus, RequestStatus
from app.persistence import clock
from app.persistence.models import Base, ClientFile, ClientFileUser, User, utcnow


class InvitationRow(Base):
    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_file_status", "client_file_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    client_file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_files.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=InvitationStatus.PENDING.value)
    invited_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class AttachRequestRow(Base):
    __tablename__ = "attach_requests"
    __table_args__ = (Index("ix_attach_requests_practice_status", "practice_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    client_file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_files.id", ondelete="CASCADE"), index=True
    )
    # None when the address given was no practice's: the request waits for nobody, and
    # the client is told exactly what it would be told otherwise.
    practice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    requested_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Invitations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, invitation: InvitationRow) -> InvitationRow:
        self.session.add(invitation)
        return invitation

    def get(self, invitation_id: uuid.UUID) -> InvitationRow | None:
        return self.session.get(InvitationRow, invitation_id)

    def by_token(self, digest: str) -> InvitationRow | None:
        query = select(InvitationRow).where(InvitationRow.token_hash == digest)
        return self.session.scalars(query).one_or_none()

    def for_file(
        self, file_id: uuid.UUID, *, practice_id: uuid.UUID | None = None
    ) -> Sequence[InvitationRow]:
        """With `practice_id`, none another practice's staff sent: a practice never sees
        what a former practice of the file sent (`access.practice_filter`); what the
        file's client users sent stays in sight."""
        query = (
            select(InvitationRow)
            .where(InvitationRow.client_file_id == file_id)
            .order_by(InvitationRow.created_at.desc())
        )
        if practice_id is not None:
            query = query.join(User, User.id == InvitationRow.invited_by).where(
                or_(User.practice_id.is_(None), User.practice_id == practice_id)
            )
        return self.session.scalars(query).all()

    def pending_count(self, file_id: uuid.UUID, now: datetime) -> int:
        query = select(func.count()).where(
            InvitationRow.client_file_id == file_id,
            InvitationRow.status == InvitationStatus.PENDING.value,
            InvitationRow.expires_at > now,
        )
        return self.session.scalar(query) or 0

    def replace_pending(self, file_id: uuid.UUID, email: str, by: uuid.UUID) -> None:
        """Revoke the address's pending invitations to the file: a new one replaces them."""
        self.session.execute(
            update(InvitationRow)
            .where(
                InvitationRow.client_file_id == file_id,
                InvitationRow.email == email,
                InvitationRow.status == InvitationStatus.PENDING.value,
            )
            .values(
                status=InvitationStatus.REVOKED.value,
                revoked_at=clock.now(self.session),
                revoked_by=by,
            )
        )


class AttachRequests:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: AttachRequestRow) -> AttachRequestRow:
        self.session.add(request)
        return request

    def get(self, request_id: uuid.UUID) -> AttachRequestRow | None:
        return self.session.get(AttachRequestRow, request_id)

    def for_file(self, file_id: uuid.UUID) -> Sequence[AttachRequestRow]:
        query = (
            select(AttachRequestRow)
            .where(AttachRequestRow.client_file_id == file_id)
            .order_by(AttachRequestRow.created_at.desc())
        )
        return self.session.scalars(query).all()

    def pending_for_practice(
        self, practice_id: uuid.UUID
    ) -> Sequence[tuple[AttachRequestRow, str, str]]:
        """The practice's pending requests, with the file's name and the asker's address:
        all it is shown of a file before it accepts."""
        query = (
            select(AttachRequestRow, ClientFile.name, User.email)
            .join(ClientFile, ClientFile.id == AttachRequestRow.client_file_id)
            .join(User, User.id == AttachRequestRow.requested_by)
            .where(
                AttachRequestRow.practice_id == practice_id,
                AttachRequestRow.status == RequestStatus.PENDING.value,
            )
            .order_by(AttachRequestRow.created_at)
        )
        return [(row, name, email) for row, name, email in self.session.execute(query).all()]

    def withdraw_others(self, file_id: uuid.UUID, keep: uuid.UUID) -> int:
        """Close the file's other pending requests: it has found its practice."""
        result = self.session.execute(
            update(AttachRequestRow)
            .where(
                AttachRequestRow.client_file_id == file_id,
                AttachRequestRow.id != keep,
                AttachRequestRow.status == RequestStatus.PENDING.value,
            )
            .values(status=RequestStatus.WITHDRAWN.value, decided_at=clock.now(self.session))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def client_users(session: Session, file_id: uuid.UUID) -> Sequence[User]:
    query = (
        select(User)
        .join(ClientFileUser, ClientFileUser.user_id == User.id)
        .where(ClientFileUser.client_file_id == file_id)
        .order_by(User.email)
    )
    return session.scalars(query).all()


def remove_client_user(session: Session, file_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    row = session.get(ClientFileUser, (file_id, user_id))
    if row is None:
        return False
    session.delete(row)
    return True
