"""SPEC §5.1 — no document is extracted if its file was deactivated, detached without a
plan, or deleted before its extraction started."""

from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa

from app.domain.model import DocumentStatus, SkipReason
from app.persistence.models import Document, LifecycleEvent
from app.services import messages
from tests.integration.conftest import Practice, Stack
from tests.integration.test_pipeline import upload
from tests.support.consent import invite_and_accept

STREAM = 1000


def test_deactivation_mid_stream_stops_every_later_extraction(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN a worker extracting a stream of 1,000 uploads into one file
    stack.start_worker(concurrency=2)
    uploaded: list[uuid.UUID] = []
    deactivate_now = threading.Event()

    def stream() -> None:
        for n in range(STREAM):
            uploaded.append(upload(stack, practice, f"Ticket {n} total {n}.50 EUR"))
            if n == STREAM // 3:
                deactivate_now.set()

    producer = threading.Thread(target=stream)
    producer.start()

    # WHEN the practice deactivates the file a third of the way through
    deactivate_now.wait(timeout=120)
    job_id = stack.send(
        messages.DEACTIVATE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    job = stack.wait_for_job(job_id)
    producer.join(timeout=300)
    assert job.status == "done"

    # THEN every document ends terminal, and none started extracting after the commit
    stack.wait_until_terminal(practice.client_file_id, STREAM)
    event = stack.scalar(sa.select(LifecycleEvent).where(LifecycleEvent.job_id == job_id))
    assert event is not None
    docs = stack.rows(
        sa.select(Document.status, Document.reason, Document.started_at).where(
            Document.client_file_id == practice.client_file_id
        )
    )
    extracted = [row for row in docs if row.status is DocumentStatus.EXTRACTED]
    skipped = [row for row in docs if row.status is DocumentStatus.SKIPPED]
    assert len(extracted) + len(skipped) == STREAM
    assert extracted, "the stream should have produced extractions before the deactivation"
    assert skipped, "the deactivation should have skipped the rest of the stream"
    assert all(row.started_at < event.created_at for row in extracted)
    assert {row.reason for row in skipped} == {SkipReason.CLIENT_FILE_DEACTIVATED}
    assert event.counts["documents_skipped"] == job.counts["documents_skipped"]


def test_a_lost_revoke_cannot_cause_an_extraction(stack: Stack, practice: Practice) -> None:
    # GIVEN documents gated for extraction while no extraction worker runs
    stack.start_worker("gate", queues="gate,lifecycle")
    ids = [upload(stack, practice, f"Invoice {n}") for n in range(10)]
    stack.wait_for(
        "the gate to queue every document",
        lambda: stack.statuses(practice.client_file_id) == {DocumentStatus.QUEUED: 10},
    )
    # WHEN the file is deactivated and the extraction messages survive anyway (as when a
    # revoke is lost: the workers that get them never heard of it)
    job_id = stack.send(
        messages.DEACTIVATE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    assert stack.wait_for_job(job_id).counts["documents_skipped"] == 10
    for document_id in ids:
        stack.send(messages.EXTRACT, document_id=str(document_id))
    stack.start_worker("extract", queues="extraction")

    # THEN the workers re-check the file and extract nothing
    # (the gate's own 10 messages and the 10 sent again)
    stack.wait_for(
        "the extraction queue to drain",
        lambda: stack.worker_log("extract").count("succeeded") >= 20,
    )
    assert stack.statuses(practice.client_file_id) == {DocumentStatus.SKIPPED: 10}
    assert not stack.journal.exists()


def test_detached_file_without_a_plan_extracts_nothing(stack: Stack, practice: Practice) -> None:

    # GIVEN a file with a client user, detached while its uploads wait for the gate
    invite_and_accept(
        stack.runtime.uow(),
        practice.client_file_id,
        practice.staff.user_id,
        f"owner-{uuid.uuid4().hex[:6]}@client.test",
    )
    for n in range(5):
        upload(stack, practice, f"Note {n}")
    job_id = stack.send(
        messages.DETACH,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    stack.start_worker(queues="lifecycle")
    assert stack.wait_for_job(job_id).status == "done"

    # WHEN the gate and extraction workers get to the documents
    stack.start_worker("rest", queues="gate,extraction")

    # THEN every one is skipped for want of a subscription
    stack.wait_until_terminal(practice.client_file_id, 5)
    assert stack.statuses(practice.client_file_id) == {DocumentStatus.SKIPPED: 5}
    reasons = stack.rows(
        sa.select(Document.reason).where(Document.client_file_id == practice.client_file_id)
    )
    assert {row.reason for row in reasons} == {SkipReason.NO_SUBSCRIPTION}
    assert not stack.journal.exists()


def test_nothing_is_extracted_from_a_file_being_deleted(stack: Stack, practice: Practice) -> None:
    # GIVEN gated documents whose extraction messages wait in the queue
    stack.start_worker("gate", queues="gate")
    for n in range(8):
        upload(stack, practice, f"Avoir {n}")
    stack.wait_for(
        "the gate to queue every document",
        lambda: stack.statuses(practice.client_file_id) == {DocumentStatus.QUEUED: 8},
    )
    # AND a deletion that marked the file `deleting`, then died before removing anything
    # (held up on the first document, then its worker killed)
    first = min(
        row.id
        for row in stack.rows(
            sa.select(Document.id).where(Document.client_file_id == practice.client_file_id)
        )
    )
    blocker = stack.runtime.sessions()
    blocker.execute(sa.select(Document).where(Document.id == first).with_for_update())
    job_id = stack.send(
        messages.DELETE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    stack.start_worker("lifecycle", queues="lifecycle")
    stack.wait_for("the file to be marked deleting", lambda: _is_deleting(stack, practice))
    stack.kill_workers()
    blocker.rollback()
    blocker.close()
    assert stack.statuses(practice.client_file_id) == {DocumentStatus.QUEUED: 8}

    # WHEN extraction workers take the queued messages
    stack.start_worker("extract", queues="extraction")
    stack.wait_for(
        "the extraction messages to be consumed",
        lambda: stack.worker_log("extract").count("succeeded") >= 8,
    )

    # THEN they re-checked the file and extracted nothing; the deletion, resumed, completes
    assert not stack.journal.exists()
    stack.send(
        messages.DELETE,
        task_id=job_id,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    stack.start_worker("lifecycle-again", queues="lifecycle")
    assert stack.wait_for_job(job_id).status == "done"
    assert stack.statuses(practice.client_file_id) == {}


def _is_deleting(stack: Stack, practice: Practice) -> bool:
    from app.domain.model import FileStatus
    from app.persistence.models import ClientFile

    status = stack.scalar(
        sa.select(ClientFile.status).where(ClientFile.id == practice.client_file_id)
    )
    return status is FileStatus.DELETING
