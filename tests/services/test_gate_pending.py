"""The coalesced gate: one transaction decides the pending documents of many files, each
by its own file's state, oldest first, a batch at a time."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import update

from app.domain.model import Billing, DocumentStatus, FileStatus, SkipReason
from app.persistence.models import ClientFile
from app.services import documents, messages, pending

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


def set_files(office: Office, file_ids: list[uuid.UUID], **values: object) -> None:
    with office.uow:
        office.uow.session.execute(
            update(ClientFile).where(ClientFile.id.in_(file_ids)).values(**values)
        )
        office.uow.commit()


def upload_into(office: Office, file_ids: list[uuid.UUID], each: int) -> dict[uuid.UUID, list]:
    uploaded: dict[uuid.UUID, list[uuid.UUID]] = {file_id: [] for file_id in file_ids}
    for n in range(each):
        for index, file_id in enumerate(file_ids):
            data = office.receipt(100 * index + n)
            uploaded[file_id].append(office.upload(data, file_id=file_id))
    return uploaded


def test_uploads_ask_for_a_gate_that_may_be_coalesced(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    document_id = office.upload()

    [message] = dispatcher.sent
    assert message.name == messages.GATE
    assert message.payload == {"document_id": str(document_id)}
    assert message.coalesce


def test_one_decision_takes_every_files_pending_documents_each_by_its_own_state(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    active, deactivated, unpaid = office.file_id, office.new_file("B"), office.new_file("C")
    set_files(office, [deactivated], status=FileStatus.DEACTIVATED)
    set_files(office, [unpaid], billing=Billing.NONE)
    uploaded = upload_into(office, [active, deactivated, unpaid], each=2)
    dispatcher.clear()

    report = pending.gate_pending(office.uow, batch_size=50)

    assert report == pending.PendingReport(
        decided=6, handed_over=0, more=False, outcomes={"extract": 2, "skip": 4}
    )
    assert {office.status(d) for d in uploaded[active]} == {DocumentStatus.QUEUED}
    skipped = [office.document(d) for d in uploaded[deactivated] + uploaded[unpaid]]
    assert {(d.status, d.reason) for d in skipped if d is not None} == {
        (DocumentStatus.SKIPPED, SkipReason.CLIENT_FILE_DEACTIVATED),
        (DocumentStatus.SKIPPED, SkipReason.NO_SUBSCRIPTION),
    }
    extracts = dispatcher.named(messages.EXTRACT)
    assert {uuid.UUID(m.payload["document_id"]) for m in extracts} == set(uploaded[active])
    assert {m.tenant for m in extracts} == {f"practice:{office.practice_id}"}
    for message in extracts:
        document = office.document(uuid.UUID(message.payload["document_id"]))
        assert document is not None
        assert document.task_id == message.task_id


def test_a_full_batch_takes_the_oldest_first_and_nudges_again(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    files = [office.file_id, office.new_file("B"), office.new_file("C")]
    uploaded = upload_into(office, files, each=3)
    in_order = [uploaded[f][n] for n in range(3) for f in files]
    dispatcher.clear()

    first = pending.gate_pending(office.uow, batch_size=4)

    assert first == pending.PendingReport(
        decided=4, handed_over=0, more=True, outcomes={"extract": 4}
    )
    assert [office.status(d) for d in in_order] == [DocumentStatus.QUEUED] * 4 + [
        DocumentStatus.PENDING
    ] * 5
    assert [m.coalesce for m in dispatcher.named(messages.GATE_PENDING)] == [True]

    pending.gate_pending(office.uow, batch_size=4)
    last = pending.gate_pending(office.uow, batch_size=4)

    assert last == pending.PendingReport(
        decided=1, handed_over=0, more=False, outcomes={"extract": 1}
    )
    assert {office.status(d) for d in in_order} == {DocumentStatus.QUEUED}
    assert len(dispatcher.named(messages.EXTRACT)) == 9


def test_a_file_being_deleted_is_left_to_its_deletion(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    other = office.new_file("B")
    uploaded = upload_into(office, [office.file_id, other], each=2)
    set_files(office, [office.file_id], status=FileStatus.DELETING)

    report = pending.gate_pending(office.uow, batch_size=50)

    assert report.decided == 2
    assert {office.status(d) for d in uploaded[office.file_id]} == {DocumentStatus.PENDING}
    assert {office.status(d) for d in uploaded[other]} == {DocumentStatus.QUEUED}


def test_documents_already_decided_are_not_decided_again(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    first, second = office.upload(office.receipt(1)), office.upload(office.receipt(2))
    assert documents.gate(office.uow, first) == "extract"
    dispatcher.clear()

    report = pending.gate_pending(office.uow, batch_size=50)

    assert report.decided == 1
    [extract] = dispatcher.named(messages.EXTRACT)
    assert extract.payload == {"document_id": str(second)}
    assert pending.gate_pending(office.uow, batch_size=50).decided == 0
