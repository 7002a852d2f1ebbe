"""Reading the mail outbox as the person it was sent to would read their mailbox."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from app.persistence.mail import Outbox, OutboxMail
from app.persistence.uow import UnitOfWork
from app.services import attach, invitations

TOKEN = re.compile(r"\binv_[A-Za-z0-9_-]+")
TTL = timedelta(days=7)
ACCEPT_URL = "http://dossier.test/v1/invitations/accept"


def mails_to(uow: UnitOfWork, address: str) -> list[OutboxMail]:
    """Every message to `address`, newest first."""
    with uow:
        found = list(Outbox(uow.session).latest(1000, address))
        for item in found:
            uow.session.expunge(item)
        return found


def invitation_token(uow: UnitOfWork, address: str) -> str:
    """The code in the latest invitation sent to `address`."""
    letters = [item for item in mails_to(uow, address) if item.kind == "invitation"]
    assert letters, f"no invitation was sent to {address}"
    match = TOKEN.search(letters[0].body)
    assert match is not None, letters[0].body
    return match.group(0)


def send_invitation(
    uow: UnitOfWork, file_id: uuid.UUID, by: uuid.UUID, address: str
) -> invitations.InvitationView:
    return invitations.invite(
        uow, client_file_id=file_id, actor_id=by, email=address, ttl=TTL, accept_url=ACCEPT_URL
    )


def invite_and_accept(
    uow: UnitOfWork, file_id: uuid.UUID, by: uuid.UUID, address: str
) -> uuid.UUID:
    """Invite `address` to the file and accept as its owner would: their user id."""
    send_invitation(uow, file_id, by, address)
    return invitations.accept(uow, invitation_token(uow, address)).user_id


def attach_by_request(
    uow: UnitOfWork, file_id: uuid.UUID, client_id: uuid.UUID, staff_id: uuid.UUID
) -> attach.RequestView:
    """The client asks the practice of `staff_id` (by that person's address) to take the
    detached file, and that person accepts."""
    with uow:
        staff = uow.users.get(staff_id)
        assert staff is not None
        address = staff.email
    asked = attach.ask(uow, client_file_id=file_id, actor_id=client_id, practice_email=address)
    return attach.decide(uow, request_id=asked.id, actor_id=staff_id, accept=True)
