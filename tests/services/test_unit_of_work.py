"""Broker messages and revokes leave only after the transaction commits."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from app.domain.model import Action
from app.persistence.models import Practice
from app.persistence.uow import UnitOfWork
from app.services import documents, lifecycle, messages

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


def test_nothing_is_sent_when_the_unit_of_work_is_not_committed(
    uow: UnitOfWork, dispatcher: FakeDispatcher
) -> None:
    with uow:
        uow.users.add_practice(Practice(id=uuid.uuid4(), name="Never saved"))
        uow.enqueue(messages.gate(uuid.uuid4(), uuid.uuid4()))
        uow.revoke([uuid.uuid4()])

    assert dispatcher.sent == []
    assert dispatcher.revoked == []


def _service_that_fails(uow: UnitOfWork) -> None:
    with uow:
        uow.enqueue(messages.gate(uuid.uuid4(), uuid.uuid4()))
        raise RuntimeError("the service failed half-way")


def test_nothing_is_sent_when_the_work_fails(uow: UnitOfWork, dispatcher: FakeDispatcher) -> None:
    with pytest.raises(RuntimeError):
        _service_that_fails(uow)

    assert dispatcher.sent == []


def test_a_rolled_back_outbox_does_not_leak_into_the_next_commit(
    uow: UnitOfWork, dispatcher: FakeDispatcher
) -> None:
    abandoned = messages.gate(uuid.uuid4(), uuid.uuid4())
    kept = messages.gate(uuid.uuid4(), uuid.uuid4())
    with uow:
        uow.enqueue(abandoned)
    with uow:
        uow.enqueue(kept)
        uow.commit()

    assert dispatcher.sent == [kept]


def test_messages_leave_after_the_rows_are_visible(
    office: Office, dispatcher: FakeDispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # When the gate message is sent, another connection must already see the document.
    seen: list[bool] = []

    def send(batch: list[messages.TaskMessage]) -> None:
        for message in batch:
            seen.append(office.document(uuid.UUID(message.payload["document_id"])) is not None)
        dispatcher.sent.extend(batch)

    monkeypatch.setattr(dispatcher, "send", send)

    office.upload()

    assert seen == [True]


def test_a_broker_outage_after_commit_keeps_the_rows(
    office: Office, dispatcher: FakeDispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sweeper finds the document again; the upload itself must not fail.
    def broker_down(batch: list[messages.TaskMessage]) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(dispatcher, "send", broker_down)

    document_id = office.upload()

    assert office.document(document_id) is not None


def test_a_lifecycle_change_that_fails_half_way_sends_and_revokes_nothing(
    office: Office, dispatcher: FakeDispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.queued()
    office.change(Action.DEACTIVATE)
    dispatcher.clear()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crash while recording the change")

    monkeypatch.setattr(lifecycle, "record", crash)

    with pytest.raises(RuntimeError):
        office.change(Action.REACTIVATE, reprocess_skipped=True)

    assert dispatcher.sent == []
    assert dispatcher.revoked == []
    monkeypatch.undo()
    assert documents.gate(office.uow, office.upload(office.receipt(5))) == "skip"
