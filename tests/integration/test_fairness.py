"""SPEC §5.7 — one practice's burst does not starve another's extractions: past its
burst, a practice's extraction messages wait behind those of practices sending few."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import Document
from tests.integration.conftest import Stack, new_practice
from tests.integration.test_pipeline import upload

BURST = 3
FLOOD = 30


def test_a_small_practice_is_extracted_before_a_large_practices_backlog(
    make_stack: Callable[..., Stack],
) -> None:
    # GIVEN a practice's 30 uploads queued for extraction, then another practice's one
    stack = make_stack(extraction_fair_burst=BURST)
    busy, quiet = new_practice(stack), new_practice(stack)
    stack.start_role("worker")
    for n in range(FLOOD):
        upload(stack, busy, f"Flood {n}")
    stack.wait_for("the flood to be queued", lambda: _queued(stack, busy.client_file_id, FLOOD))
    late = upload(stack, quiet, "One receipt")
    stack.wait_for("the late one to be queued", lambda: _queued(stack, quiet.client_file_id, 1))

    # WHEN one extractor process works through the queue
    stack.start_role("extractor", concurrency=1)
    stack.wait_until_terminal(busy.client_file_id, FLOOD)
    stack.wait_until_terminal(quiet.client_file_id, 1)

    # THEN the quiet practice's document went right after the busy one's first burst
    order = [
        row.id
        for row in stack.rows(
            sa.select(Document.id)
            .where(Document.status == DocumentStatus.EXTRACTED)
            .order_by(Document.started_at)
        )
    ]
    assert len(order) == FLOOD + 1
    assert order.index(late) <= BURST, f"extracted {order.index(late) + 1}th of {len(order)}"


def _queued(stack: Stack, client_file_id: uuid.UUID, count: int) -> bool:
    return stack.statuses(client_file_id) == {DocumentStatus.QUEUED: count}
