"""Mail: written to the outbox in the transaction of what it tells, delivered later by
the sender task (`dossier.maintenance.send_mail`), retried with backoff when the SMTP
server refuses for now or cannot be reached, given up after too many tries or at once
when the server refuses for good."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.model import Action
from app.domain.notices import TOLD, Letter, notice
from app.persistence.consent import client_users
from app.persistence.mail import FAILED, PENDING, SENT, Outbox
from app.persistence.models import ClientFile
from app.persistence.uow import UnitOfWork

log = logging.getLogger(__name__)

LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # a sender that dies mid-send leaves its message due again


class MailRefused(Exception):
    """The message was not sent; `final` when trying again cannot help."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


# Sends (to, subject, body); raises MailRefused (`smtp.SmtpSender` is the real one).
Sender = Callable[[str, str, str], None]


@dataclass(frozen=True, slots=True)
class MailReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def queue(uow: UnitOfWork, kind: str, to_address: str, letter: Letter) -> uuid.UUID:
    """Put a message in the outbox, in the caller's transaction."""
    return Outbox(uow.session).add(kind, to_address, letter.subject, letter.body).id


def tell_clients(uow: UnitOfWork, client_file: ClientFile, action: Action) -> int:
    """Tell every client user of the file what the practice just did, in the caller's
    transaction; returns how many were told."""
    if action not in TOLD:
        return 0
    practice = uow.users.practice(client_file.practice_id) if client_file.practice_id else None
    letter = notice(action, client_file.name, practice.name if practice else "Your practice")
    people = client_users(uow.session, client_file.id)
    for person in people:
        queue(uow, str(action), person.email, letter)
    return len(people)


def backoff(attempts: int, first: timedelta) -> timedelta:
    """`first`, then twice as long each time, at most an hour."""
    wait: timedelta = first * (2 ** max(0, attempts - 1))
    return min(wait, LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: uuid.UUID
    to_address: str
    subject: str
    body: str
    attempts: int


def deliver_due(
    uow: UnitOfWork,
    *,
    send: Sender,
    max_attempts: int,
    first_retry: timedelta,
    now: datetime | None = None,
    limit: int = 100,
) -> MailReport:
    now = now or uow.clock()
    outcomes = {SENT: 0, PENDING: 0, FAILED: 0}
    for item in _claim(uow, now, limit):
        error: MailRefused | None = None
        try:
            send(item.to_address, item.subject, item.body)
        except MailRefused as refused:
            error = refused
        except Exception as unexpected:
            log.exception("mail %s could not be sent", item.id)
            error = MailRefused(f"send error: {unexpected!r}"[:500])
        outcomes[_record(uow, item, error, now, max_attempts, first_retry)] += 1
    return MailReport(outcomes[SENT], outcomes[PENDING], outcomes[FAILED])


def _claim(uow: UnitOfWork, now: datetime, limit: int) -> list[_Claimed]:
    with uow:
        claimed = []
        for mail in Outbox(uow.session).claim_due(now, limit):
            mail.attempts += 1
            mail.next_attempt_at = now + LEASE
            claimed.append(
                _Claimed(mail.id, mail.to_address, mail.subject, mail.body, mail.attempts)
            )
        uow.commit()
        return claimed


def _record(
    uow: UnitOfWork,
    item: _Claimed,
    error: MailRefused | None,
    now: datetime,
    max_attempts: int,
    first_retry: timedelta,
) -> str:
    with uow:
        mail = Outbox(uow.session).get(item.id)
        if mail is None:
            return FAILED
        if error is None:
            mail.status, mail.sent_at, mail.last_error = SENT, now, None
        else:
            mail.last_error = str(error)[:500]
            if error.final or item.attempts >= max_attempts:
                mail.status = FAILED
                log.warning("mail %s to %s given up: %s", item.id, item.to_address, error)
            else:
                mail.next_attempt_at = now + backoff(item.attempts, first_retry)
        uow.commit()
        return mail.status
