"""Retries on real workers: a retry message delivered twice sends its document once; a
retry racing a deactivation never leads to an extraction; a time limit ends in `failed`
with a reason worth a retry, not a traceback."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa

from app.bootstrap import build_runtime
from app.domain.model import DocumentStatus, SkipReason
from app.persistence.models import Document, LifecycleEvent, LifecycleJob
from app.services import documents, messages, retries
from tests.api.fakes import FakeDispatcher
from tests.integration.conftest import Practice, Stack, new_practice
from tests.support.engines import engine_runs

RACES = 10


def failed_document(stack: Stack, practice: Practice, text: str) -> uuid.UUID:
    """A document that ended `failed`, with no message about it left anywhere."""
    quiet = build_runtime(stack.settings, FakeDispatcher())
    try:
        result = documents.upload(
            quiet.uow(),
            quiet.blobs,
            stack.settings,
            client_file_id=practice.client_file_id,
            actor=practice.staff,
            filename="scan.txt",
            data=text.encode(),
        )
        with quiet.sessions.begin() as session:
            session.execute(
                sa.update(Document)
                .where(Document.id == result.document_id)
                .values(status=DocumentStatus.FAILED, reason="The engine gave up.", attempts=3)
            )
    finally:
        quiet.close()
    return result.document_id


def retry_payload(practice: Practice, document_id: uuid.UUID) -> dict[str, str]:
    return {"document_id": str(document_id), "actor_id": str(practice.staff.user_id)}


def retry_events(stack: Stack) -> int:
    query = sa.select(sa.func.count()).where(LifecycleEvent.action == retries.RETRY)
    return int(stack.scalar(query))


def delivered(stack: Stack, task_id: uuid.UUID, times: int) -> bool:
    return stack.worker_log().count(f"{messages.RETRY}[{task_id}] succeeded") >= times


def test_a_retry_delivered_twice_at_once_extracts_once(stack: Stack, practice: Practice) -> None:
    # GIVEN a failed document and its retry message delivered twice (same task id)
    document_id = failed_document(stack, practice, "Scan A")
    task_id = uuid.uuid4()
    for _ in range(2):
        stack.send(messages.RETRY, task_id=task_id, **retry_payload(practice, document_id))

    # WHEN two worker processes take both at the same moment
    stack.start_worker(concurrency=2)

    # THEN the document is extracted once, by one retry job with one audit event
    stack.wait_for("the retried extraction", lambda: _status(stack, document_id) == "extracted")
    stack.wait_for("both deliveries", lambda: delivered(stack, task_id, 2))
    assert stack.wait_for_job(task_id).status == "done"
    assert retry_events(stack) == 1
    assert len(engine_runs(stack.journal)) == 1


def test_a_retry_delivered_again_after_its_document_failed_again_does_nothing(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN a retry whose document fails again (its original is gone from storage)
    document_id = failed_document(stack, practice, "Scan B")
    document = stack.document(document_id)
    assert document is not None
    stack.runtime.blobs.delete(document.blob_key)
    task_id = uuid.uuid4()
    stack.start_worker(concurrency=2)
    stack.send(messages.RETRY, task_id=task_id, **retry_payload(practice, document_id))
    stack.wait_for("the retry to fail again", lambda: _reason_says(stack, document_id, "missing"))
    after_first = stack.document(document_id)

    # WHEN the same retry message is delivered again
    stack.send(messages.RETRY, task_id=task_id, **retry_payload(practice, document_id))
    stack.wait_for("the second delivery", lambda: delivered(stack, task_id, 2))

    # THEN it finds its job done: the document is not sent again
    again = stack.document(document_id)
    assert after_first is not None
    assert again is not None
    assert again.updated_at == after_first.updated_at
    assert retry_events(stack) == 1


def test_a_retry_racing_a_deactivation_never_extracts(stack: Stack, practice: Practice) -> None:
    # GIVEN files each with a failed document, each sent a retry and a deactivation at
    # the same moment, to two worker processes and no extractor
    races = []
    for n in range(RACES):
        owner = practice if n == 0 else new_practice(stack)
        document_id = failed_document(stack, owner, f"Scan {n}")
        lifecycle_payload = {
            "client_file_id": str(owner.client_file_id),
            "actor_id": str(owner.staff.user_id),
        }
        retry_id = stack.send(messages.RETRY, **retry_payload(owner, document_id))
        deactivate_id = stack.send(messages.DEACTIVATE, **lifecycle_payload)
        races.append((document_id, retry_id, deactivate_id))
    stack.start_worker("worker", concurrency=2, queues="gate,lifecycle")

    # WHEN every job is finished and an extractor then drains what is left
    outcomes = []
    for _, retry_id, deactivate_id in races:
        assert stack.wait_for_job(deactivate_id).status == "done"
        retry_job = stack.wait_for_job(retry_id)
        outcomes.append((retry_job.status, retry_job.reason))
    stack.start_worker("extractor", queues="extraction")

    # THEN each retry either ran first (its document then skipped by the deactivation) or
    # was refused (its document still failed): never extracted
    for (document_id, *_), (status, reason) in zip(races, outcomes, strict=True):
        stack.wait_for("a terminal state", lambda d=document_id: _terminal(stack, d))
        document = stack.document(document_id)
        assert document is not None
        if status == "done":
            assert (document.status, document.reason) == (
                DocumentStatus.SKIPPED,
                SkipReason.CLIENT_FILE_DEACTIVATED,
            )
        else:
            assert (status, reason) == ("refused", "client_file_deactivated")
            assert document.status is DocumentStatus.FAILED
    assert engine_runs(stack.journal) == []


def test_a_time_limit_fails_the_document_with_a_reason_to_retry(
    make_stack: Callable[..., Stack],
) -> None:
    # GIVEN an extractor whose engine outlasts the soft time limit (1 s here)
    stack = make_stack(extraction_time_limit_seconds=16)
    practice = new_practice(stack)
    stack.start_role("worker")
    stack.start_role("extractor", DOSSIER_TEST_ENGINE_DELAY="5")

    # WHEN a document is extracted
    document_id = failed_document(stack, practice, "Long scan")
    job = retries.retry(
        stack.runtime.uow(),
        job_id=uuid.uuid4(),
        actor_id=practice.staff.user_id,
        document_id=document_id,
    )
    assert job.status == "done"

    # THEN it fails, saying why and that a retry may help, and the worker logs no crash
    stack.wait_for("the time limit", lambda: _reason_says(stack, document_id, "time limit"))
    document = stack.document(document_id)
    assert document is not None
    assert document.status is DocumentStatus.FAILED
    assert "Retry" in (document.reason or "")
    assert "Traceback" not in stack.worker_log("extractor")
    jobs = stack.rows(sa.select(LifecycleJob.action).where(LifecycleJob.action == "retry"))
    assert len(jobs) == 1


def _status(stack: Stack, document_id: uuid.UUID) -> str | None:
    document = stack.document(document_id)
    return None if document is None else str(document.status)


def _reason_says(stack: Stack, document_id: uuid.UUID, words: str) -> bool:
    document = stack.document(document_id)
    return (
        document is not None
        and document.status is DocumentStatus.FAILED
        and words in (document.reason or "")
        and document.attempts > 0
    )


def _terminal(stack: Stack, document_id: uuid.UUID) -> bool:
    document = stack.document(document_id)
    return document is not None and document.status.is_terminal
