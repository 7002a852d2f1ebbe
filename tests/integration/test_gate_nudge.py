"""The coalesced gate on a real Redis, PostgreSQL and Celery worker: uploads spread over
many files share one nudge instead of a gate message each, every document is decided
once, and a nudge lost while a document waits is made good by the next nudge or by the
sweeper. A file a lifecycle change holds never holds up the others."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import redis
import sqlalchemy as sa

from app.domain.model import DocumentStatus, FileStatus
from app.persistence.models import ClientFile, utcnow
from app.services import admin, documents, messages, pending, sweeper
from tests.integration.conftest import Practice, Stack, new_practice
from tests.support import services
from worker.nudge import GateNudge


def upload_to(stack: Stack, practice: Practice, file_id: uuid.UUID, text: str) -> uuid.UUID:
    result = documents.upload(
        stack.runtime.uow(),
        stack.runtime.blobs,
        stack.settings,
        client_file_id=file_id,
        actor=practice.staff,
        filename="receipt.txt",
        data=text.encode(),
    )
    return result.document_id


def more_files(stack: Stack, practice: Practice, count: int) -> list[uuid.UUID]:
    return [
        admin.create_client_file(stack.runtime.uow(), practice.practice_id, f"Client {n}")
        for n in range(count)
    ]


@contextmanager
def broker_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(services.REDIS_URL)
    try:
        yield client
    finally:
        client.close()


def gate_queue(stack: Stack) -> int:
    with broker_redis() as client:
        return int(client.llen(stack.settings.broker_key_prefix + "gate"))


def lost_nudge(stack: Stack, seconds: int) -> None:
    """A nudge claimed and sent, then lost before any worker took it up."""
    with broker_redis() as client:
        nudge = GateNudge(client, seconds=seconds, key_prefix=stack.settings.broker_key_prefix)
        assert nudge.claim()


def nudge_stands(stack: Stack) -> bool:
    with broker_redis() as client:
        return bool(
            client.exists(
                GateNudge(client, seconds=1, key_prefix=stack.settings.broker_key_prefix).key
            )
        )


def status(stack: Stack, document_id: uuid.UUID) -> DocumentStatus | None:
    document = stack.document(document_id)
    return None if document is None else document.status


def test_uploads_into_many_files_share_one_nudge_and_each_is_decided_once(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN five files, one of them deactivated
    files = more_files(stack, practice, 5)
    with stack.runtime.db.begin() as connection:
        connection.execute(
            sa.update(ClientFile)
            .where(ClientFile.id == files[0])
            .values(status=FileStatus.DEACTIVATED)
        )
    # WHEN four uploads go into each, before any worker runs
    for file_id in files:
        for n in range(4):
            upload_to(stack, practice, file_id, f"Ticket {n} {file_id}")

    # THEN a single gate message waits for all twenty
    assert gate_queue(stack) == 1

    # AND once a worker takes it up, the active files' documents are extracted exactly
    # once and the deactivated file's are skipped, never extracted
    stack.start_worker()
    for file_id in files:
        stack.wait_until_terminal(file_id, 4)
    assert stack.statuses(files[0]) == {DocumentStatus.SKIPPED: 4}
    for file_id in files[1:]:
        assert stack.statuses(file_id) == {DocumentStatus.EXTRACTED: 4}
    engine_runs = stack.journal.read_text().splitlines()
    assert len(engine_runs) == 16
    assert not any(str(files[0]) in run for run in engine_runs)


def test_a_lost_nudge_is_made_good_by_the_next_one(make_stack) -> None:
    stack: Stack = make_stack(gate_nudge_seconds=1)
    practice = new_practice(stack)
    other = more_files(stack, practice, 1)[0]
    stack.start_worker()
    # GIVEN a nudge that was sent and lost while it still stands for new uploads
    lost_nudge(stack, seconds=1)
    # WHEN a document is uploaded: its gate is coalesced into the lost nudge
    waiting = upload_to(stack, practice, practice.client_file_id, "Reçu 1 total 5,00 EUR")
    assert gate_queue(stack) == 0
    assert status(stack, waiting) is DocumentStatus.PENDING

    # THEN the next upload after the nudge lapsed sends a new one, which decides both
    stack.wait_for("the lost nudge to lapse", lambda: not nudge_stands(stack))
    later = upload_to(stack, practice, other, "Reçu 2 total 6,00 EUR")
    stack.wait_until_terminal(practice.client_file_id, 1)
    stack.wait_until_terminal(other, 1)
    assert status(stack, waiting) is DocumentStatus.EXTRACTED
    assert status(stack, later) is DocumentStatus.EXTRACTED
    assert len(stack.journal.read_text().splitlines()) == 2


def test_a_lost_nudge_with_no_upload_after_it_is_made_good_by_the_sweeper(
    stack: Stack, practice: Practice
) -> None:
    stack.start_worker()
    # GIVEN a document whose gate went into a nudge that was lost, and no upload after it
    lost_nudge(stack, seconds=600)
    waiting = upload_to(stack, practice, practice.client_file_id, "Reçu 3 total 7,00 EUR")
    assert gate_queue(stack) == 0

    # WHEN the sweeper finds it pending for too long (as beat runs it, later)
    report = sweeper.sweep(
        stack.runtime.uow(),
        stale_after=timedelta(seconds=stack.settings.sweep_stale_after_seconds),
        batch_size=100,
        now=utcnow() + timedelta(hours=1),
    )

    # THEN its own gate message, which no nudge can swallow, decides it
    assert report.documents_resent == 1
    stack.wait_until_terminal(practice.client_file_id, 1)
    assert status(stack, waiting) is DocumentStatus.EXTRACTED
    assert len(stack.journal.read_text().splitlines()) == 1


def test_a_file_held_by_a_lifecycle_change_is_handed_its_own_gate(
    stack: Stack, practice: Practice
) -> None:
    held, free = practice.client_file_id, more_files(stack, practice, 1)[0]
    waiting = upload_to(stack, practice, held, "Reçu 4 total 8,00 EUR")
    decided = upload_to(stack, practice, free, "Reçu 5 total 9,00 EUR")
    # GIVEN a lifecycle change holding one file's row
    with stack.runtime.db.connect() as lifecycle:
        lifecycle.execute(sa.select(ClientFile.id).where(ClientFile.id == held).with_for_update())
        # WHEN the coalesced gate runs meanwhile
        report = pending.gate_pending(stack.runtime.uow(), batch_size=50)
        # THEN it decided the other file at once, without waiting
        assert report == pending.PendingReport(
            decided=1, handed_over=1, more=False, outcomes={"extract": 1}
        )
        assert status(stack, decided) is DocumentStatus.QUEUED
        assert status(stack, waiting) is DocumentStatus.PENDING
        lifecycle.rollback()

    # AND the held file's document got a gate message of its own, which decides it
    document = stack.document(waiting)
    assert document is not None
    stack.start_worker(queues="gate")
    stack.wait_for("the handed-over gate", lambda: status(stack, waiting) is DocumentStatus.QUEUED)
    log = stack.worker_log()
    assert f"{messages.GATE}[{document.task_id}]" in log
