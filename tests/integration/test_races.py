"""SPEC §5.2 and §5.5 — the same work delivered twice or raced at the same moment: identical
uploads, one lifecycle message run by two worker processes at once, two deletions of one
file. Each race is repeated over seeded rounds, so that a regression shows."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.domain.model import Action
from app.persistence.models import ClientFile, Document, LifecycleEvent
from app.services import admin, lifecycle, messages, tokens
from app.services import documents as uploads
from app.web import create_app
from tests.integration.conftest import Practice, Stack
from tests.support.consent import invite_and_accept

SEED = 20261130
UPLOAD_ROUNDS = 12
UPLOADERS = 6
FILES_PER_ROUND = 12
FAILURE_SIGNS = ("Traceback", "ERROR", "IntegrityError", "StaleDataError")


def at_once(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run `action(i)` in `count` threads released together; return their results."""
    gate = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        gate.wait()
        try:
            results[index] = action(index)
        except Exception as error:  # reported as a result, so the test can name it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def two_workers(stack: Stack) -> None:
    """Two worker processes of the lifecycle queue, both up before anything is sent: each
    takes one message at a time, so two messages in a row run at the same moment."""
    stack.start_worker("w1", concurrency=1, queues="lifecycle")
    stack.start_worker("w2", concurrency=1, queues="lifecycle")


def no_failure_logged(stack: Stack, *names: str) -> None:
    for name in names:
        log = stack.worker_log(name)
        found = [sign for sign in FAILURE_SIGNS if sign in log]
        assert not found, f"{name} logged {found}:\n{log[-4000:]}"


def test_identical_uploads_at_the_same_moment_give_one_document(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN the real HTTP app on PostgreSQL, and a token of the practice's staff
    app = create_app(stack.runtime, broker_check=lambda: None)
    token = tokens.issue(stack.runtime.uow(), practice.staff.user_id).secret
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/v1/client-files/{practice.client_file_id}/documents"
    clients = [TestClient(app, raise_server_exceptions=False) for _ in range(UPLOADERS)]
    randomness = random.Random(SEED)

    for round_number in range(UPLOAD_ROUNDS):
        data = f"Receipt {round_number} {randomness.getrandbits(64)}\nTotal 9.90 EUR\n".encode()

        # WHEN the same bytes are uploaded by several requests at the same moment
        def upload(index: int, data: bytes = data) -> Any:
            files = {"file": (f"r{index}.txt", data, "text/plain")}
            return clients[index].post(url, files=files, headers=headers)

        answers = at_once(UPLOADERS, upload)

        # THEN one is accepted and every other one is told it is a duplicate of it
        codes = sorted(getattr(a, "status_code", repr(a)) for a in answers)
        assert codes == [200] * (UPLOADERS - 1) + [202], [
            getattr(a, "text", repr(a)) for a in answers
        ]
        assert len({answer.json()["id"] for answer in answers}) == 1
        assert sorted(answer.json()["duplicate"] for answer in answers) == [False] + [True] * (
            UPLOADERS - 1
        )

    # AND one document and one blob per distinct upload: no loser left a blob behind
    documents = stack.scalar(
        sa.select(sa.func.count()).where(Document.client_file_id == practice.client_file_id)
    )
    assert documents == UPLOAD_ROUNDS
    assert stack.runtime.blobs.count_prefix(str(practice.client_file_id)) == UPLOAD_ROUNDS


def _files(stack: Stack, practice: Practice, count: int, documents: int = 3) -> list[uuid.UUID]:
    """`count` new active files of the practice, each with a few documents and blobs
    (their gate messages wait in a queue no worker here reads)."""
    files = []
    for n in range(count):
        client_file_id = admin.create_client_file(
            stack.runtime.uow(), practice.practice_id, f"Client {n}"
        )
        for d in range(documents):
            uploads.upload(
                stack.runtime.uow(),
                stack.runtime.blobs,
                stack.settings,
                client_file_id=client_file_id,
                actor=practice.staff,
                filename=f"r{d}.txt",
                data=f"Receipt {client_file_id} {d}\n".encode(),
            )
        files.append(client_file_id)
    return files


def _prepare(stack: Stack, practice: Practice, action: Action, files: list[uuid.UUID]) -> None:
    """Bring each file to a state in which `action` is allowed."""
    for client_file_id in files:
        if action is Action.REACTIVATE:
            _run_now(stack, practice, client_file_id, Action.DEACTIVATE)
        if action is Action.DETACH:
            email = f"client-{uuid.uuid4().hex[:8]}@client.test"
            invite_and_accept(stack.runtime.uow(), client_file_id, practice.staff.user_id, email)


def _run_now(
    stack: Stack,
    practice: Practice,
    client_file_id: uuid.UUID,
    action: Action,
    params: dict[str, Any] | None = None,
) -> None:
    result = lifecycle.change(
        stack.runtime.uow(),
        job_id=uuid.uuid4(),
        client_file_id=client_file_id,
        actor_id=practice.staff.user_id,
        action=action,
        params=params,
    )
    assert result.status == "done", result


TASKS = {
    Action.DEACTIVATE: messages.DEACTIVATE,
    Action.REACTIVATE: messages.REACTIVATE,
    Action.DETACH: messages.DETACH,
    Action.DELETE: messages.DELETE,
}


@pytest.mark.parametrize("action", list(TASKS), ids=str)
def test_a_lifecycle_message_run_by_two_workers_at_once_is_one_job(
    stack: Stack, practice: Practice, action: Action
) -> None:
    # GIVEN files in which the action is allowed, each with its message queued twice
    # under one task id (a redelivery)
    files = _files(stack, practice, FILES_PER_ROUND)
    _prepare(stack, practice, action, files)
    two_workers(stack)

    # WHEN the two copies of each follow each other in the queue, so that the two
    # worker processes take them at the same moment
    jobs = {}
    for client_file_id in files:
        payload = {"client_file_id": str(client_file_id), "actor_id": str(practice.staff.user_id)}
        jobs[client_file_id] = stack.send(TASKS[action], **payload)
        stack.send(TASKS[action], task_id=jobs[client_file_id], **payload)

    # THEN each file has one job, done, and one audit event; no worker logged an error
    for client_file_id, job_id in jobs.items():
        job = stack.wait_for_job(job_id)
        assert (job.status, job.reason) == ("done", None), (job.status, job.message)
        events = stack.scalar(
            sa.select(sa.func.count()).where(
                LifecycleEvent.client_file_id == client_file_id,
                LifecycleEvent.action == str(action),
            )
        )
        assert events == 1, client_file_id
    stack.stop_workers()
    no_failure_logged(stack, "w1", "w2")
    if action is Action.DELETE:
        for client_file_id in files:
            assert stack.runtime.blobs.count_prefix(str(client_file_id)) == 0


def test_a_refusal_run_by_two_workers_at_once_is_one_refused_job(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN deactivated files, each sent the same deactivation twice (it is refused)
    files = _files(stack, practice, FILES_PER_ROUND, documents=0)
    for client_file_id in files:
        _run_now(stack, practice, client_file_id, Action.DEACTIVATE)
    two_workers(stack)

    # WHEN two worker processes run both copies at the same moment
    jobs = {}
    for client_file_id in files:
        payload = {"client_file_id": str(client_file_id), "actor_id": str(practice.staff.user_id)}
        jobs[client_file_id] = stack.send(messages.DEACTIVATE, **payload)
        stack.send(messages.DEACTIVATE, task_id=jobs[client_file_id], **payload)

    # THEN each job is refused once, with its reason, and nothing failed
    for job_id in jobs.values():
        job = stack.wait_for_job(job_id)
        assert (job.status, job.reason) == ("refused", "already_deactivated")
    stack.stop_workers()
    no_failure_logged(stack, "w1", "w2")


def test_two_deletions_of_one_file_racing_both_end_and_leave_nothing(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN files with documents and blobs, each asked to be deleted by two jobs at once
    files = _files(stack, practice, FILES_PER_ROUND * 2, documents=5)
    two_workers(stack)

    # WHEN two worker processes run them side by side
    jobs: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
    for client_file_id in files:
        payload = {"client_file_id": str(client_file_id), "actor_id": str(practice.staff.user_id)}
        first = stack.send(messages.DELETE, **payload)
        jobs[client_file_id] = (first, stack.send(messages.DELETE, **payload))

    # THEN both jobs of every file end `done`, one of them saying the file was already
    # gone; one audit event; no row and no blob of the file is left
    for client_file_id, pair in jobs.items():
        finished = [stack.wait_for_job(job_id) for job_id in pair]
        assert [job.status for job in finished] == ["done", "done"]
        messages_seen = [job.message for job in finished]
        assert messages_seen.count(None) == 1, messages_seen
        assert any("already been deleted" in (m or "") for m in messages_seen)
        assert _left_of(stack, client_file_id) == (0, 0, 1)
        assert stack.runtime.blobs.count_prefix(str(client_file_id)) == 0
    stack.stop_workers()
    no_failure_logged(stack, "w1", "w2")


def _left_of(stack: Stack, client_file_id: uuid.UUID) -> tuple[int, int, int]:
    """(file rows, document rows, delete events) of the file."""
    count = sa.func.count()
    return (
        stack.scalar(sa.select(count).where(ClientFile.id == client_file_id)),
        stack.scalar(sa.select(count).where(Document.client_file_id == client_file_id)),
        stack.scalar(
            sa.select(count).where(
                LifecycleEvent.client_file_id == client_file_id, LifecycleEvent.action == "delete"
            )
        ),
    )
