"""SPEC §5.5 — the same idempotency key from two clients at the same moment, on
PostgreSQL: the first request is held inside its transaction (its rows written, not yet
committed) until the second is seen waiting on its lock; then both answers must be the
first one, and there is one document (or one job, export or invitation)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.persistence.auth import LifecycleRequest
from app.persistence.consent import InvitationRow
from app.persistence.exports import ExportBundle
from app.persistence.mail import OutboxMail
from app.persistence.models import Document
from app.services import idempotency, tokens
from app.web import create_app
from tests.integration.conftest import Practice, Stack

KEY = {"Idempotency-Key": "producer-42"}


@dataclass
class Hold:
    """Holds the first request to record its key just after the insert, its transaction
    open, until another transaction is seen waiting on a lock."""

    stack: Stack
    recorded: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def let_go_once_another_waits(self) -> None:
        database = sa.engine.make_url(self.stack.settings.database_url).database
        query = sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"
        ).bindparams(db=database)
        self.stack.wait_for(
            "the second request to wait", lambda: bool(self.stack.scalar(query)), 30
        )
        self.release.set()


@contextmanager
def first_request_held(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    hold = Hold(stack)
    original = idempotency.remember

    def remember_then_hold(*args: Any) -> Any:
        answer = original(*args)
        if not hold.recorded.is_set():
            hold.recorded.set()
            hold.release.wait(30)
        return answer

    monkeypatch.setattr(idempotency, "remember", remember_then_hold)
    try:
        yield hold
    finally:
        hold.release.set()


Send = Callable[[TestClient, dict[str, str]], httpx.Response]


def two_at_once(stack: Stack, practice: Practice, send: Send, hold: Hold) -> list[httpx.Response]:
    token = tokens.issue(stack.runtime.uow(), practice.staff.user_id).secret
    headers = {"Authorization": f"Bearer {token}", **KEY}
    app = create_app(stack.runtime, broker_check=lambda: None)
    answers: dict[str, httpx.Response] = {}
    with TestClient(app) as one, TestClient(app) as other:
        first = threading.Thread(target=lambda: answers.update(first=send(one, headers)))
        second = threading.Thread(target=lambda: answers.update(second=send(other, headers)))
        first.start()
        assert hold.recorded.wait(30), "the first request never recorded its key"
        second.start()
        hold.let_go_once_another_waits()
        first.join(60)
        second.join(60)
    return [answers["first"], answers["second"]]


def test_the_same_upload_key_from_two_clients_at_once_is_one_document(
    stack: Stack, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/v1/client-files/{practice.client_file_id}/documents"
    body = {"file": ("scan.txt", b"Facture 77 total 12,00 EUR", "text/plain")}

    def send(client: TestClient, headers: dict[str, str]) -> httpx.Response:
        return client.post(path, files=body, headers=headers)

    with first_request_held(stack, monkeypatch) as hold:
        answers = two_at_once(stack, practice, send, hold)

    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    count = sa.select(sa.func.count()).where(Document.client_file_id == practice.client_file_id)
    assert stack.scalar(count) == 1


def test_the_same_lifecycle_key_from_two_clients_at_once_is_one_job(
    stack: Stack, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/v1/client-files/{practice.client_file_id}/deactivate"

    def send(client: TestClient, headers: dict[str, str]) -> httpx.Response:
        return client.post(path, headers=headers)

    with first_request_held(stack, monkeypatch) as hold:
        answers = two_at_once(stack, practice, send, hold)

    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert stack.scalar(sa.select(sa.func.count()).select_from(LifecycleRequest)) == 1


def test_the_same_export_key_from_two_clients_at_once_is_one_export(
    stack: Stack, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/v1/client-files/{practice.client_file_id}/exports"

    def send(client: TestClient, headers: dict[str, str]) -> httpx.Response:
        return client.post(path, headers=headers)

    with first_request_held(stack, monkeypatch) as hold:
        answers = two_at_once(stack, practice, send, hold)

    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert stack.scalar(sa.select(sa.func.count()).select_from(ExportBundle)) == 1


def test_the_same_invitation_key_from_two_clients_at_once_is_one_invitation_and_one_mail(
    stack: Stack, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/v1/client-files/{practice.client_file_id}/invitations"

    def send(client: TestClient, headers: dict[str, str]) -> httpx.Response:
        return client.post(path, json={"email": "twice@client.test"}, headers=headers)

    with first_request_held(stack, monkeypatch) as hold:
        answers = two_at_once(stack, practice, send, hold)

    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert stack.scalar(sa.select(sa.func.count()).select_from(InvitationRow)) == 1
    mails = sa.select(sa.func.count()).where(OutboxMail.to_address == "twice@client.test")
    assert stack.scalar(mails) == 1
