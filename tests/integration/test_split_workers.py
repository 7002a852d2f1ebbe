"""SPEC §5.7 — with the Procfile's two workers, a lifecycle change never waits behind
extraction: the `worker` runs it while every `extractor` process is busy and more
extraction work is still queued."""

from __future__ import annotations

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import Document
from app.services import messages
from tests.integration.conftest import Practice, Stack, new_practice
from tests.integration.test_pipeline import upload

SLOW_DOCUMENTS = 3


def test_a_lifecycle_change_runs_while_the_extractor_is_busy_with_queued_work(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN the Procfile's two workers, the extractor's one process busy on slow
    # extractions of one practice's file, with more of them waiting in its queue
    stack.start_role("worker")
    stack.start_role("extractor", concurrency=1, DOSSIER_TEST_ENGINE_DELAY="5")
    for n in range(SLOW_DOCUMENTS):
        upload(stack, practice, f"Slow scan {n}")

    def extraction_is_backed_up() -> bool:
        counts = stack.statuses(practice.client_file_id)
        return (
            counts.get(DocumentStatus.EXTRACTING) == 1 and counts.get(DocumentStatus.QUEUED, 0) > 0
        )

    stack.wait_for("one extraction running and others queued", extraction_is_backed_up)
    [running] = stack.rows(
        sa.select(Document.id).where(
            Document.client_file_id == practice.client_file_id,
            Document.status == DocumentStatus.EXTRACTING,
        )
    )

    # WHEN another practice deactivates one of its files
    other = new_practice(stack)
    job_id = stack.send(
        messages.DEACTIVATE,
        client_file_id=str(other.client_file_id),
        actor_id=str(other.staff.user_id),
    )

    # THEN the deactivation is done before even the running extraction ends, let alone
    # those queued behind it
    job = stack.wait_for_job(job_id)
    assert job.status == "done"
    stack.wait_until_terminal(practice.client_file_id, SLOW_DOCUMENTS)
    extraction = stack.document(running.id)
    assert extraction is not None
    assert extraction.finished_at is not None
    assert job.finished_at is not None
    assert job.finished_at < extraction.finished_at, "the lifecycle change waited for OCR"
