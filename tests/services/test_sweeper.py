"""The sweeper resends work whose message was lost and resumes stuck deletions. Time is
injected: `now` is moved past the stale threshold instead of waiting for it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from app.domain.model import DocumentStatus
from app.persistence.models import utcnow
from app.services import deletion, documents, extraction, messages, sweeper

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office

STALE_AFTER = timedelta(minutes=15)
LIMITS = extraction.ExtractionLimits(max_attempts=3, claim_lease=timedelta(minutes=5))


def sweep_later(
    office: Office, *, batch_size: int = 100, later: timedelta = STALE_AFTER
) -> sweeper.SweepReport:
    """Sweep as if `later` plus a second had passed since now."""
    now = utcnow() + later + timedelta(seconds=1)
    return sweeper.sweep(office.uow, stale_after=STALE_AFTER, batch_size=batch_size, now=now)


@pytest.fixture
def stuck(office: Office, dispatcher: FakeDispatcher) -> dict[str, uuid.UUID]:
    """One document in each state; the messages of the unfinished ones were lost."""
    docs = {
        "pending": office.upload(office.receipt(1)),
        "queued": office.queued(office.receipt(2)),
        "extracting": office.queued(office.receipt(3)),
        "extracted": office.extracted(office.receipt(4)),
    }
    assert extraction.claim_for_extraction(office.uow, docs["extracting"], LIMITS)
    dispatcher.clear()
    return docs


def test_stale_unfinished_documents_are_sent_again(
    office: Office, dispatcher: FakeDispatcher, stuck: dict[str, uuid.UUID]
) -> None:
    report = sweep_later(office)

    assert report.documents_resent == 3
    [gate] = dispatcher.named(messages.GATE)
    assert gate.payload == {"document_id": str(stuck["pending"])}
    extract = {m.payload["document_id"] for m in dispatcher.named(messages.EXTRACT)}
    assert extract == {str(stuck["queued"]), str(stuck["extracting"])}
    # Each resend carries a fresh task id, recorded on the row so it can be revoked.
    for message in dispatcher.sent:
        document = office.document(uuid.UUID(message.payload["document_id"]))
        assert document is not None
        assert document.task_id == message.task_id
    assert office.status(stuck["extracted"]) is DocumentStatus.EXTRACTED


def test_fresh_documents_are_left_alone(
    office: Office, dispatcher: FakeDispatcher, stuck: dict[str, uuid.UUID]
) -> None:
    report = sweeper.sweep(office.uow, stale_after=STALE_AFTER, batch_size=100)

    assert report == sweeper.SweepReport(documents_resent=0, deletions_resumed=0)
    assert dispatcher.sent == []


def test_a_document_just_under_the_threshold_is_not_stale(
    office: Office, dispatcher: FakeDispatcher, stuck: dict[str, uuid.UUID]
) -> None:
    report = sweep_later(office, later=STALE_AFTER - timedelta(minutes=1))

    assert report.documents_resent == 0


def test_a_resent_document_is_not_resent_again_at_once(
    office: Office, dispatcher: FakeDispatcher, stuck: dict[str, uuid.UUID]
) -> None:
    now = utcnow() + STALE_AFTER + timedelta(seconds=1)
    sweeper.sweep(office.uow, stale_after=STALE_AFTER, batch_size=100, now=now)
    dispatcher.clear()

    again = sweeper.sweep(office.uow, stale_after=STALE_AFTER, batch_size=100, now=now)

    assert again.documents_resent == 0
    assert dispatcher.sent == []


def test_the_batch_size_bounds_one_sweep(
    office: Office, dispatcher: FakeDispatcher, stuck: dict[str, uuid.UUID]
) -> None:
    assert sweep_later(office, batch_size=2).documents_resent == 2
    assert len(dispatcher.sent) == 2


def test_resent_work_reaches_a_terminal_state(
    office: Office, dispatcher: FakeDispatcher, stuck: dict[str, uuid.UUID]
) -> None:
    sweep_later(office)
    from app.extraction.text import TextLayerEngine

    expired = extraction.ExtractionLimits(max_attempts=3, claim_lease=timedelta(0))
    for message in dispatcher.named(messages.GATE):
        documents.gate(office.uow, uuid.UUID(message.payload["document_id"]))
    for message in [*dispatcher.named(messages.EXTRACT)]:
        document_id = uuid.UUID(message.payload["document_id"])
        extraction.extract(office.uow, office.blobs, TextLayerEngine(), document_id, expired)

    for document_id in stuck.values():
        assert office.status(document_id).is_terminal


def test_a_stuck_deletion_is_resumed_with_its_job(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    for index in range(5):
        office.upload(office.receipt(index))
    job_id = uuid.uuid4()

    def crash(counts: dict[str, int]) -> None:
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        deletion.delete(
            office.uow,
            office.blobs,
            job_id=job_id,
            client_file_id=office.file_id,
            actor_id=office.staff_id,
            batch_size=2,
            progress=crash,
        )
    dispatcher.clear()

    assert sweeper.sweep(office.uow, stale_after=STALE_AFTER, batch_size=100).deletions_resumed == 0
    report = sweep_later(office)

    assert report.deletions_resumed == 1
    [message] = dispatcher.named(messages.DELETE)
    assert message.payload == {
        "client_file_id": str(office.file_id),
        "actor_id": str(office.staff_id),
        "job_id": str(job_id),
    }
    result = deletion.delete(
        office.uow,
        office.blobs,
        job_id=uuid.UUID(message.payload["job_id"]),
        client_file_id=uuid.UUID(message.payload["client_file_id"]),
        actor_id=uuid.UUID(message.payload["actor_id"]),
        batch_size=2,
    )
    assert result.status == "done"
    assert result.counts["documents_deleted"] == 5
    with office.uow:
        assert office.uow.files.get(office.file_id) is None


def test_a_lifecycle_request_whose_message_was_lost_is_sent_again(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    from app.services import requests
    from app.services.commands import Deactivate

    # GIVEN a deactivation asked for over the API, recorded, whose message never arrived
    requested = requests.request(
        office.uow, Deactivate(client_file_id=office.file_id, actor_id=office.staff_id)
    )
    dispatcher.clear()
    assert sweeper.sweep(office.uow, stale_after=STALE_AFTER, batch_size=100) == (
        sweeper.SweepReport(0, 0, 0)
    )

    # WHEN the sweeper runs once it is stale
    report = sweep_later(office)

    # THEN the same job is sent again, under its own id
    assert report.lifecycle_requests_resent == 1
    [message] = dispatcher.named(messages.DEACTIVATE)
    assert message.task_id == requested.job_id
    assert message.payload["job_id"] == str(requested.job_id)


def test_documents_of_a_file_being_deleted_are_left_to_the_deletion(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    # GIVEN a deletion that stopped after its first batch, a document still pending
    office.upload(office.receipt(1))
    office.upload(office.receipt(3))

    def crash(counts: dict[str, int]) -> None:
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        deletion.delete(
            office.uow,
            office.blobs,
            job_id=uuid.uuid4(),
            client_file_id=office.file_id,
            actor_id=office.staff_id,
            batch_size=1,
            progress=crash,
        )
    office.upload(office.receipt(2), file_id=office.new_file("Neighbour"))
    dispatcher.clear()

    # WHEN the sweeper runs
    report = sweep_later(office)

    # THEN only the neighbour's document is sent again; the deletion is resumed instead
    assert report.documents_resent == 1
    assert report.deletions_resumed == 1


def test_an_export_whose_message_was_lost_is_built_after_all(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    from app.services import exports

    # GIVEN an export asked for, whose task message never reached a worker
    requested = exports.request(office.uow, client_file_id=office.file_id, actor=office.actor())
    dispatcher.clear()
    assert sweeper.sweep(office.uow, stale_after=STALE_AFTER, batch_size=100).exports_resent == 0

    # WHEN the sweeper runs once it is stale
    report = sweep_later(office)

    # THEN its build is sent again, once
    assert report.exports_resent == 1
    [message] = dispatcher.named(messages.EXPORT)
    assert message.payload == {"export_id": str(requested.id)}
    assert sweep_later(office, later=timedelta(0)).exports_resent == 0
