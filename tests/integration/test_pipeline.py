"""Uploads flow through the real gatekeeper and extraction on a real worker."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import Extraction
from app.services import documents
from tests.integration.conftest import Practice, Stack, new_practice


def upload(stack: Stack, practice: Practice, text: str) -> uuid.UUID:
    result = documents.upload(
        stack.runtime.uow(),
        stack.runtime.blobs,
        stack.settings,
        client_file_id=practice.client_file_id,
        actor=practice.staff,
        filename="receipt.txt",
        data=text.encode(),
    )
    return result.document_id


def test_uploads_are_extracted_by_a_real_worker(stack: Stack, practice: Practice) -> None:
    # GIVEN a running worker WHEN documents are uploaded to an active file
    stack.start_worker()
    ids = [upload(stack, practice, f"Receipt {n}: total 12.{n:02d} EUR") for n in range(20)]

    # THEN every one is extracted, once
    stack.wait_until_terminal(practice.client_file_id, 20)
    assert stack.statuses(practice.client_file_id) == {DocumentStatus.EXTRACTED: 20}
    extracted = stack.scalar(
        sa.select(sa.func.count()).select_from(Extraction).where(Extraction.document_id.in_(ids))
    )
    assert extracted == 20
    assert len(stack.journal.read_text().splitlines()) == 20


def test_a_burst_is_gated_in_batches_by_two_processes_and_each_document_extracted_once(
    make_stack,
) -> None:
    stack: Stack = make_stack(gate_batch_size=25, gate_nudge_seconds=0)
    # One gate message per upload, not a shared nudge: the path of sweeper resends.
    practice = new_practice(stack)
    # GIVEN a burst of uploads waiting for the gate, one message each
    burst = [upload(stack, practice, f"Ticket {n} total {n},50 EUR") for n in range(120)]

    # WHEN two worker processes take the burst, each gate deciding up to 25 documents
    stack.start_worker(concurrency=2)

    # THEN every document is extracted exactly once: no document was decided twice,
    # whichever gate message reached it first
    stack.wait_until_terminal(practice.client_file_id, len(burst))
    assert stack.statuses(practice.client_file_id) == {DocumentStatus.EXTRACTED: len(burst)}
    engine_runs = stack.journal.read_text().splitlines()
    assert len(engine_runs) == len(burst)
    # and most gate messages were revoked by the batch that decided their document first,
    # so the worker dropped them without running them
    stack.wait_for(
        "the revoked gate messages to be discarded",
        lambda: stack.worker_log().count("Discarding revoked task") > len(burst) // 2,
    )
