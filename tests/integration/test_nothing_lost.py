"""SPEC §5.2 — every accepted upload reaches exactly one terminal state, even when a worker
is killed mid-task, Redis restarts empty, or a message is delivered twice."""

from __future__ import annotations

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.local import beat_command, start
from app.persistence.models import Extraction
from app.services import documents, messages
from tests.integration.conftest import Practice, Stack, new_practice
from tests.integration.test_pipeline import upload
from tests.support import services

# Short limits: a killed worker's message comes back after the visibility timeout, and
# the sweeper finds stale work soon after.
FAST_RECOVERY = {
    "extraction_time_limit_seconds": 4,
    "broker_visibility_timeout_seconds": 8,
    "sweep_stale_after_seconds": 6,
}


def extraction_count(stack: Stack, document_id: object) -> int:
    query = sa.select(sa.func.count()).where(Extraction.document_id == document_id)
    return int(stack.scalar(query))


def test_a_worker_killed_mid_extraction_loses_nothing(make_stack) -> None:
    stack: Stack = make_stack(**FAST_RECOVERY)
    practice = new_practice(stack)
    # GIVEN a worker in the middle of a slow extraction
    stack.start_worker("doomed", DOSSIER_TEST_ENGINE_DELAY="3")
    document_id = upload(stack, practice, "Facture 2026-114 total 480,00 EUR")
    stack.wait_for(
        "the extraction to start",
        lambda: (
            (doc := stack.document(document_id)) is not None
            and doc.status is DocumentStatus.EXTRACTING
        ),
    )
    # WHEN the worker is killed with everything it holds, and another one comes up
    stack.kill_workers()
    stack.start_worker("survivor")

    # THEN the broker redelivers the unacknowledged message and the document is
    # extracted exactly once, on the second attempt
    stack.wait_until_terminal(practice.client_file_id, 1)
    document = stack.document(document_id)
    assert document is not None
    assert document.status is DocumentStatus.EXTRACTED
    assert document.attempts == 2
    assert extraction_count(stack, document_id) == 1
    assert len(stack.journal.read_text().splitlines()) == 2


def test_the_same_message_delivered_twice_extracts_once(stack: Stack, practice: Practice) -> None:
    # GIVEN a gated document whose extraction message is in the queue twice
    document_id = upload(stack, practice, "Reçu n° 88 — total 9,90 €")
    assert documents.gate(stack.runtime.uow(), document_id) == "extract"
    document = stack.document(document_id)
    assert document is not None
    assert document.task_id is not None
    stack.send(messages.EXTRACT, task_id=document.task_id, document_id=str(document_id))

    # WHEN two worker processes take both copies at once
    stack.start_worker(concurrency=2, DOSSIER_TEST_ENGINE_DELAY="1")

    # THEN the engine ran once and one extraction is stored
    stack.wait_until_terminal(practice.client_file_id, 1)
    stack.wait_for("both copies to be consumed", lambda: stack.worker_log().count("succeeded") >= 3)
    assert extraction_count(stack, document_id) == 1
    assert len(stack.journal.read_text().splitlines()) == 1


def test_redis_restarting_empty_loses_nothing(make_stack) -> None:
    stack: Stack = make_stack(**FAST_RECOVERY, sweep_interval_seconds=1.0)
    practice = new_practice(stack)
    # GIVEN uploads waiting for the gate and gated documents waiting for extraction
    waiting = [upload(stack, practice, f"Bon de livraison {n}") for n in range(6)]
    for document_id in waiting[:3]:
        assert documents.gate(stack.runtime.uow(), document_id) == "extract"

    # WHEN Redis comes back empty: every queued message is gone
    assert services.delete_keys(stack.settings.broker_key_prefix) > 0

    # THEN beat's sweeper sends the work again and every document is extracted
    with open(stack.tmp / "beat.log", "ab") as log:
        beat = start(beat_command(stack.tmp / "beat-schedule"), stack.env, log=log)
        stack.workers.append(beat)
    stack.start_worker()
    stack.wait_until_terminal(practice.client_file_id, 6)
    assert stack.statuses(practice.client_file_id) == {DocumentStatus.EXTRACTED: 6}
    assert all(extraction_count(stack, document_id) == 1 for document_id in waiting)
