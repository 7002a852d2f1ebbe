"""A gate decision may take more of its file's pending documents with it: the same
verdict, under the same locks, one transaction for a burst of uploads."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from app.domain.model import DocumentStatus, FileStatus
from app.services import documents, messages
from tests.services.test_pipeline import set_file

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


def burst(office: Office, count: int, *, file_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    return [office.upload(office.receipt(n), file_id=file_id) for n in range(count)]


def gate_messages(dispatcher: FakeDispatcher) -> dict[uuid.UUID, uuid.UUID]:
    """Document id -> the id of the gate message its upload sent."""
    return {
        uuid.UUID(message.payload["document_id"]): message.task_id
        for message in dispatcher.named(messages.GATE)
    }


def test_one_decision_queues_the_files_pending_documents_each_under_its_own_message(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    uploaded = burst(office, 5)
    sent_gates = gate_messages(dispatcher)
    dispatcher.clear()

    assert documents.gate(office.uow, uploaded[2], batch_size=10) == "extract"

    assert {office.status(d) for d in uploaded} == {DocumentStatus.QUEUED}
    extracts = {uuid.UUID(m.payload["document_id"]): m.task_id for m in dispatcher.sent}
    assert set(extracts) == set(uploaded)
    assert len(set(extracts.values())) == 5
    for document_id, message_id in extracts.items():
        document = office.document(document_id)
        assert document is not None
        assert document.task_id == message_id
    # The other documents' own gate messages are now pointless; the one running is not.
    assert sorted(dispatcher.revoked) == sorted(sent_gates[d] for d in uploaded if d != uploaded[2])


def test_a_revoked_gate_message_that_runs_anyway_changes_nothing(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    first, second = burst(office, 2)
    assert documents.gate(office.uow, first, batch_size=10) == "extract"
    decided = office.document(second)
    dispatcher.clear()

    assert documents.gate(office.uow, second, batch_size=10) == "already_decided"

    again = office.document(second)
    assert decided is not None
    assert again is not None
    assert (again.status, again.task_id) == (DocumentStatus.QUEUED, decided.task_id)
    assert dispatcher.sent == []


def test_the_batch_size_bounds_how_many_are_decided(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    uploaded = burst(office, 6)
    dispatcher.clear()

    assert documents.gate(office.uow, uploaded[0], batch_size=4) == "extract"

    statuses = [office.status(d) for d in uploaded]
    assert statuses[0] is DocumentStatus.QUEUED
    assert statuses.count(DocumentStatus.QUEUED) == 4
    assert statuses.count(DocumentStatus.PENDING) == 2
    assert len(dispatcher.named(messages.EXTRACT)) == 4
    assert len(dispatcher.revoked) == 3


def test_a_batch_of_one_decides_only_its_own_document(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    uploaded = burst(office, 3)
    dispatcher.clear()

    assert documents.gate(office.uow, uploaded[1]) == "extract"

    assert [office.status(d) for d in uploaded] == [
        DocumentStatus.PENDING,
        DocumentStatus.QUEUED,
        DocumentStatus.PENDING,
    ]
    assert dispatcher.revoked == []


def test_other_files_pending_documents_wait_for_their_own_gate(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    other_file = office.new_file()
    mine = burst(office, 2)
    theirs = burst(office, 2, file_id=other_file)
    dispatcher.clear()

    assert documents.gate(office.uow, mine[0], batch_size=10) == "extract"

    assert {office.status(d) for d in mine} == {DocumentStatus.QUEUED}
    assert {office.status(d) for d in theirs} == {DocumentStatus.PENDING}
    assert {m.payload["document_id"] for m in dispatcher.sent} == {str(d) for d in mine}


def test_decided_documents_are_not_taken_again(office: Office, dispatcher: FakeDispatcher) -> None:
    queued = office.queued(office.receipt(100))
    before = office.document(queued)
    uploaded = burst(office, 2)
    dispatcher.clear()

    assert documents.gate(office.uow, uploaded[0], batch_size=10) == "extract"

    after = office.document(queued)
    assert before is not None
    assert after is not None
    assert after.task_id == before.task_id
    assert dispatcher.for_document(messages.EXTRACT, queued) == []


def test_a_deactivated_file_skips_the_whole_batch_and_sends_nothing(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    uploaded = burst(office, 4)
    set_file(office, status=FileStatus.DEACTIVATED)
    dispatcher.clear()

    assert documents.gate(office.uow, uploaded[3], batch_size=10) == "skip"

    decided = [office.document(document_id) for document_id in uploaded]
    assert {(d.status, d.reason) for d in decided if d is not None} == {
        (DocumentStatus.SKIPPED, "client_file_deactivated")
    }
    assert None not in decided
    assert dispatcher.sent == []
    assert len(dispatcher.revoked) == 3


def test_a_file_being_deleted_takes_no_batch(office: Office, dispatcher: FakeDispatcher) -> None:
    uploaded = burst(office, 3)
    set_file(office, status=FileStatus.DELETING)
    dispatcher.clear()

    assert documents.gate(office.uow, uploaded[0], batch_size=10) == "dropped"

    assert {office.status(d) for d in uploaded} == {DocumentStatus.PENDING}
    assert (dispatcher.sent, dispatcher.revoked) == ([], [])
