"""SPEC §5.3 — after a delete finishes no row and no blob of the file remains; a crash
mid-delete resumes and finishes. Only the audit event and the job survive."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.domain.model import DocumentStatus, FileStatus
from app.persistence.models import (
    ClientFile,
    ClientFileUser,
    Document,
    Extraction,
    LifecycleEvent,
    LifecycleJob,
)
from app.services import messages
from tests.integration.conftest import Practice, Stack, new_practice
from tests.integration.test_pipeline import upload


def assert_nothing_left(stack: Stack, client_file_id: uuid.UUID) -> None:
    for model, column in (
        (ClientFile, ClientFile.id),
        (ClientFileUser, ClientFileUser.client_file_id),
        (Document, Document.client_file_id),
        (Extraction, Extraction.client_file_id),
    ):
        left = stack.scalar(
            sa.select(sa.func.count()).select_from(model).where(column == client_file_id)
        )
        assert left == 0, f"{model.__tablename__} still holds {left} row(s) of the file"
    blob_dir = stack.settings.storage_dir / str(client_file_id)
    assert not blob_dir.exists() or not any(blob_dir.rglob("*"))


def deletion_event(stack: Stack, job_id: uuid.UUID) -> LifecycleEvent:
    event = stack.scalar(sa.select(LifecycleEvent).where(LifecycleEvent.job_id == job_id))
    assert event is not None, "the audit event must survive the deletion"
    return event


def test_delete_while_extractions_are_in_flight(stack: Stack, practice: Practice) -> None:
    # GIVEN a file whose documents are being extracted right now
    stack.start_worker(concurrency=2, DOSSIER_TEST_ENGINE_DELAY="0.3")
    for n in range(40):
        upload(stack, practice, f"Note de frais {n}")
    stack.wait_for(
        "extractions to be under way",
        lambda: stack.statuses(practice.client_file_id).get(DocumentStatus.EXTRACTED, 0) >= 2,
    )
    # WHEN the practice deletes it
    job_id = stack.send(
        messages.DELETE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    job = stack.wait_for_job(job_id)
    stack.wait_for(
        "in-flight tasks to finish",
        lambda: not any((stack.celery.control.inspect().active() or {}).values()),
    )

    # THEN nothing of the file remains, the in-flight results were discarded cleanly,
    # and the audit event tells what was deleted
    assert job.status == "done"
    assert_nothing_left(stack, practice.client_file_id)
    event = deletion_event(stack, job_id)
    assert event.counts["documents_deleted"] == 40
    assert event.counts["blobs_deleted"] == 40
    assert event.from_state["status"] == "active"
    assert "Traceback" not in stack.worker_log()


# The survivor's sweeper finds a deletion stale after 3 s. Only the survivor runs with it:
# the same short limits on the first worker gave its extractions a 1 s soft limit and its
# deletion a 3 s one, which a loaded machine overran (a document failed instead of being
# extracted, or the deletion stopped before reaching the held document), and a delete cut
# short by its own limit in the blob step may leave blobs uncounted. The deletion's time
# limit stays long (0.9 x the 30 s visibility timeout) on both workers.
QUICK_SWEEPER = {
    "DOSSIER_EXTRACTION_TIME_LIMIT_SECONDS": "2",
    "DOSSIER_SWEEP_STALE_AFTER_SECONDS": "3",
}


def test_an_interrupted_deletion_resumes_and_completes(make_stack) -> None:
    stack: Stack = make_stack(delete_batch_size=1)
    practice = new_practice(stack)
    stack.start_worker()
    for n in range(30):
        upload(stack, practice, f"Facture fournisseur {n}")
    stack.wait_until_terminal(practice.client_file_id, 30)

    # GIVEN a deletion that will stall on the 15th document (another transaction holds it)
    ids = sorted(
        row.id
        for row in stack.rows(
            sa.select(Document.id).where(Document.client_file_id == practice.client_file_id)
        )
    )
    blocker = stack.runtime.sessions()
    blocker.execute(sa.select(Document).where(Document.id == ids[14]).with_for_update())
    job_id = stack.send(
        messages.DELETE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    stack.wait_for(
        "the deletion to reach the held document",
        lambda: (
            (
                stack.scalar(sa.select(LifecycleJob).where(LifecycleJob.id == job_id))
                or LifecycleJob(counts={})
            ).counts.get("documents_deleted")
            == 14
        ),
    )
    # WHEN the worker dies mid-deletion
    stack.kill_workers()
    blocker.rollback()
    blocker.close()
    client_file = stack.scalar(
        sa.select(ClientFile).where(ClientFile.id == practice.client_file_id)
    )
    assert client_file is not None
    assert client_file.status is FileStatus.DELETING
    # (uploads are refused and nothing is extracted while it is half-deleted)

    # THEN the sweeper resumes it on a new worker and it completes
    stack.start_worker("survivor", **QUICK_SWEEPER)
    stack.wait_for(
        "the sweeper to resume the deletion",
        lambda: (
            stack.send(messages.SWEEP) is not None
            and stack.scalar(sa.select(LifecycleJob.status).where(LifecycleJob.id == job_id))
            == "done"
        ),
        timeout=60,
    )
    assert_nothing_left(stack, practice.client_file_id)
    event = deletion_event(stack, job_id)
    assert event.counts["documents_deleted"] == 30
    assert event.counts["extractions_deleted"] == 30
    assert event.counts["blobs_deleted"] == 30
