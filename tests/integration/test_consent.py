"""People and consent on the real services: a mail the SMTP server refuses for now is sent
on a later try by a real Celery worker; acceptances of attach requests racing each other,
or the detach that allows them, on PostgreSQL row locks; invitations that expire or are
accepted twice at the same moment."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from app.domain.model import Action
from app.errors import ActionRefused, NotFound
from app.persistence.mail import OutboxMail
from app.persistence.models import ClientFile, LifecycleEvent
from app.services import admin, attach, invitations, lifecycle, messages
from tests.integration.conftest import Practice, Stack, new_practice
from tests.support.consent import invitation_token, invite_and_accept, send_invitation


class FlakyServer:
    """An SMTP server that answers 451 (try later) to the first message, then takes them."""

    def __init__(self) -> None:
        self.tries = 0
        self.received: list[Envelope] = []

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.tries += 1
        if self.tries == 1:
            return "451 4.3.0 Busy, try again later"
        self.received.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(handler: FlakyServer, port: int) -> Iterator[None]:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield
    finally:
        controller.stop()


def test_a_mail_refused_for_now_is_sent_on_a_later_try(make_stack: Callable[..., Stack]) -> None:
    port = _free_port()
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": port, "mail_retry_seconds": 0.5}
    stack = make_stack(**smtp)
    practice = new_practice(stack)
    server = FlakyServer()
    send_invitation(
        stack.runtime.uow(), practice.client_file_id, practice.staff.user_id, "p@c.test"
    )
    env = {f"DOSSIER_{name.upper()}": str(value) for name, value in smtp.items()}

    with smtp_server(server, port):
        stack.start_worker(queues="maintenance", concurrency=1, **env)
        # Beat's part, sped up: the sender task every 0.3 s until the message is taken.
        deadline = time.monotonic() + 60
        while not server.received and time.monotonic() < deadline:
            stack.send(messages.SEND_MAIL)
            time.sleep(0.3)

    [mail] = stack.rows(sa.select(OutboxMail.status, OutboxMail.attempts, OutboxMail.to_address))
    assert tuple(mail) == ("sent", 2, "p@c.test")
    assert server.tries == 2
    [envelope] = server.received
    assert envelope.rcpt_tos == ["p@c.test"]
    assert b"inv_" in (envelope.content or b"")


def _practices(stack: Stack, count: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(practice id, staff id) of new practices."""
    made = []
    for n in range(count):
        practice_id = admin.create_practice(stack.runtime.uow(), f"Practice {n}")
        email = f"staff-{uuid.uuid4().hex[:8]}@practice.test"
        made.append(
            (practice_id, admin.create_staff_user(stack.runtime.uow(), practice_id, "S", email))
        )
    return made


def _email(stack: Stack, user_id: uuid.UUID) -> str:
    with stack.runtime.uow() as uow:
        user = uow.users.get(user_id)
        assert user is not None
        return user.email


def _detached_with_owner(stack: Stack, practice: Practice) -> uuid.UUID:
    owner = invite_and_accept(
        stack.runtime.uow(), practice.client_file_id, practice.staff.user_id, "owner@client.test"
    )
    result = lifecycle.change(
        stack.runtime.uow(),
        job_id=uuid.uuid4(),
        client_file_id=practice.client_file_id,
        actor_id=practice.staff.user_id,
        action=Action.DETACH,
    )
    assert result.status == "done", result
    return owner


@contextmanager
def file_locked(stack: Stack, client_file_id: uuid.UUID, waiters: int) -> Iterator[None]:
    """Hold the file's row lock while the body starts its racers, until `waiters` of them
    wait on it: then let them all go at once."""
    with stack.runtime.db.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            sa.select(ClientFile.id).where(ClientFile.id == client_file_id).with_for_update()
        )
        yield
        deadline = time.monotonic() + 20
        waiting = (
            "select count(*) from pg_stat_activity"
            " where wait_event_type = 'Lock' and datname = current_database()"
        )
        # Activity statistics are a snapshot per transaction unless cleared.
        while connection.exec_driver_sql(waiting).scalar_one() < waiters:
            connection.exec_driver_sql("select pg_stat_clear_snapshot()")
            assert time.monotonic() < deadline, "the racers never reached the lock"
            time.sleep(0.02)
        transaction.rollback()


def race(stack: Stack, client_file_id: uuid.UUID, *actions: Callable[[], Any]) -> list[Any]:
    results: list[Any] = [None] * len(actions)

    def run(index: int) -> None:
        try:
            results[index] = actions[index]()
        except Exception as error:  # the outcome of that racer
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    with file_locked(stack, client_file_id, waiters=len(actions)):
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _attach_events(stack: Stack, client_file_id: uuid.UUID) -> int:
    query = sa.select(sa.func.count()).where(
        LifecycleEvent.client_file_id == client_file_id, LifecycleEvent.action == "attach"
    )
    return int(stack.scalar(query))


def test_two_practices_accepting_at_the_same_moment_attach_the_file_once(
    stack: Stack, practice: Practice
) -> None:
    owner = _detached_with_owner(stack, practice)
    (b, b_staff), (c, c_staff) = _practices(stack, 2)
    uow = stack.runtime.uow
    file_id = practice.client_file_id
    to_b = attach.ask(
        uow(), client_file_id=file_id, actor_id=owner, practice_email=_email(stack, b_staff)
    )
    to_c = attach.ask(
        uow(), client_file_id=file_id, actor_id=owner, practice_email=_email(stack, c_staff)
    )

    results = race(
        stack,
        file_id,
        lambda: attach.decide(uow(), request_id=to_b.id, actor_id=b_staff, accept=True),
        lambda: attach.decide(uow(), request_id=to_c.id, actor_id=c_staff, accept=True),
    )

    won = [r for r in results if isinstance(r, attach.RequestView)]
    lost = [r for r in results if isinstance(r, ActionRefused)]
    assert (len(won), len(lost)) == (1, 1), results
    assert lost[0].reason in ("request_not_pending", "already_attached")
    attached_to = stack.scalar(sa.select(ClientFile.practice_id).where(ClientFile.id == file_id))
    assert attached_to == (b if won[0].id == to_b.id else c)
    assert _attach_events(stack, file_id) == 1


def test_a_request_racing_the_detach_that_allows_it_sees_the_file_before_or_after(
    stack: Stack, practice: Practice
) -> None:
    owner = invite_and_accept(
        stack.runtime.uow(), practice.client_file_id, practice.staff.user_id, "o@client.test"
    )
    [(_, other_staff)] = _practices(stack, 1)
    uow = stack.runtime.uow
    file_id = practice.client_file_id
    address = _email(stack, other_staff)

    detach, ask = race(
        stack,
        file_id,
        lambda: lifecycle.change(
            uow(),
            job_id=uuid.uuid4(),
            client_file_id=file_id,
            actor_id=practice.staff.user_id,
            action=Action.DETACH,
        ),
        lambda: attach.ask(uow(), client_file_id=file_id, actor_id=owner, practice_email=address),
    )

    assert isinstance(detach, lifecycle.JobResult)
    assert detach.status == "done"
    # Asked before the detach: refused, the file was still the practice's. After: pending.
    if isinstance(ask, ActionRefused):
        assert ask.reason == "already_attached"
    else:
        assert isinstance(ask, attach.RequestView)
        assert ask.status == "pending"
    assert stack.scalar(sa.select(ClientFile.practice_id).where(ClientFile.id == file_id)) is None


def test_an_invitation_accepted_twice_at_once_or_after_its_end_gives_one_account(
    stack: Stack, practice: Practice
) -> None:
    uow = stack.runtime.uow
    file_id = practice.client_file_id
    send_invitation(uow(), file_id, practice.staff.user_id, "twice@client.test")
    code = invitation_token(uow(), "twice@client.test")
    invitations.invite(
        uow(),
        client_file_id=file_id,
        actor_id=practice.staff.user_id,
        email="late@client.test",
        ttl=timedelta(seconds=1),
        accept_url="http://x.test",
    )
    late = invitation_token(uow(), "late@client.test")

    results = race(
        stack,
        file_id,
        lambda: invitations.accept(uow(), code),
        lambda: invitations.accept(uow(), code),
    )
    time.sleep(1.1)

    welcomed = [r for r in results if isinstance(r, invitations.Welcome)]
    assert len(welcomed) == 1, results
    assert isinstance(next(r for r in results if r not in welcomed), NotFound)
    with pytest.raises(NotFound):
        invitations.accept(uow(), late)
    with uow() as unit:
        assert unit.users.by_email("late@client.test") is None
        assert unit.files.client_user_count(file_id) == 1
