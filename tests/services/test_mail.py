"""The mail outbox and its sender: messages written with what they tell, delivered once,
retried with backoff when the server refuses for now, given up when it refuses for good."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from app.domain.model import Action
from app.persistence.mail import Outbox, OutboxMail
from app.persistence.models import utcnow
from app.services import mail
from app.services.mail import MailRefused
from tests.services.conftest import Office
from tests.support.consent import mails_to, send_invitation

FIRST = timedelta(seconds=30)


@dataclass
class FakeServer:
    """Refuses the first `refusals` messages (for now, or for good), then takes them."""

    refusals: int = 0
    final: bool = False
    received: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, to_address: str, subject: str, body: str) -> None:
        if self.refusals > 0:
            self.refusals -= 1
            raise MailRefused("451 try again later", final=self.final)
        self.received.append((to_address, subject))


def _one(office: Office) -> OutboxMail:
    with office.uow:
        [item] = Outbox(office.uow.session).latest(10)
        office.uow.session.expunge(item)
        return item


def test_an_invitation_waits_in_the_outbox_until_sent_once(office: Office) -> None:
    send_invitation(office.uow, office.file_id, office.staff_id, "paul@martin.test")
    server = FakeServer()

    first = mail.deliver_due(office.uow, send=server, max_attempts=3, first_retry=FIRST)
    second = mail.deliver_due(office.uow, send=server, max_attempts=3, first_retry=FIRST)

    assert (first.sent, second.sent) == (1, 0)
    assert server.received == [
        ("paul@martin.test", "Invitation to the client file Boulangerie Martin")
    ]
    assert _one(office).status == "sent"


def test_a_refusal_for_now_is_retried_after_a_growing_wait(office: Office) -> None:
    send_invitation(office.uow, office.file_id, office.staff_id, "paul@martin.test")
    server = FakeServer(refusals=2)
    now = utcnow()

    first = mail.deliver_due(office.uow, send=server, max_attempts=5, first_retry=FIRST, now=now)
    waiting = _one(office)
    too_soon = mail.deliver_due(
        office.uow, send=server, max_attempts=5, first_retry=FIRST, now=now + FIRST / 2
    )
    second = mail.deliver_due(
        office.uow, send=server, max_attempts=5, first_retry=FIRST, now=now + FIRST
    )
    later = _one(office)
    third = mail.deliver_due(
        office.uow, send=server, max_attempts=5, first_retry=FIRST, now=now + 3 * FIRST
    )

    assert (first.retrying, too_soon.retrying + too_soon.sent, second.retrying, third.sent) == (
        1,
        0,
        1,
        1,
    )
    assert waiting.next_attempt_at == now + FIRST
    assert later.next_attempt_at == now + FIRST + 2 * FIRST
    assert "451" in (later.last_error or "")
    assert (_one(office).status, _one(office).attempts) == ("sent", 3)


@pytest.mark.parametrize(("final", "attempts"), [(True, 1), (False, 2)])
def test_a_message_is_given_up_when_refused_for_good_or_too_often(
    office: Office, final: bool, attempts: int
) -> None:
    send_invitation(office.uow, office.file_id, office.staff_id, "paul@martin.test")
    server = FakeServer(refusals=10, final=final)
    now = utcnow()

    for step in range(4):
        mail.deliver_due(
            office.uow, send=server, max_attempts=2, first_retry=FIRST, now=now + step * 10 * FIRST
        )

    assert (_one(office).status, _one(office).attempts) == ("failed", attempts)


def test_the_backoff_doubles_up_to_an_hour() -> None:
    waits = [mail.backoff(attempt, FIRST) for attempt in range(1, 10)]

    assert waits[:4] == [FIRST, 2 * FIRST, 4 * FIRST, 8 * FIRST]
    assert waits[-1] == timedelta(hours=1)


@pytest.mark.parametrize(
    ("action", "sentence"),
    [
        (
            Action.DEACTIVATE,
            "Documents the client adds to this file will not be sent for extraction.",
        ),
        (Action.REACTIVATE, "Documents added from now on are sent for extraction again."),
        (Action.DETACH, "The client can connect the file to another practice."),
    ],
)
def test_each_client_user_is_told_what_the_practice_did(
    office: Office, action: Action, sentence: str
) -> None:
    office.invite("paul@martin.test")
    office.invite("marie@martin.test")
    if action is Action.REACTIVATE:
        office.change(Action.DEACTIVATE)

    assert office.change(action).status == "done"

    for address in ("paul@martin.test", "marie@martin.test"):
        told = mails_to(office.uow, address)[0]
        assert told.kind == str(action)
        assert sentence in told.body
        assert "Cabinet Dupont" in told.subject


def test_a_refused_change_tells_nobody(office: Office) -> None:
    office.invite("paul@martin.test")

    assert office.change(Action.REACTIVATE).status == "refused"

    assert [item.kind for item in mails_to(office.uow, "paul@martin.test")] == ["invitation"]
