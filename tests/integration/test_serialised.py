"""SPEC §5.5 — every task may run twice with the same result as once; two lifecycle
changes on one file never interleave."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.persistence.models import LifecycleEvent, LifecycleJob
from app.services import admin, messages
from tests.integration.conftest import Practice, Stack

FILES = 30


def test_racing_lifecycle_changes_never_interleave(stack: Stack, practice: Practice) -> None:
    # GIVEN many files, each sent two deactivations at the same moment
    files = [
        admin.create_client_file(stack.runtime.uow(), practice.practice_id, f"Client {n}")
        for n in range(FILES)
    ]
    jobs: dict[uuid.UUID, list[uuid.UUID]] = {}
    for client_file_id in files:
        payload = {
            "client_file_id": str(client_file_id),
            "actor_id": str(practice.staff.user_id),
        }
        jobs[client_file_id] = [stack.send(messages.DEACTIVATE, **payload) for _ in range(2)]

    # WHEN two worker processes run them side by side
    stack.start_worker(concurrency=2)

    # THEN for every file one change is done and the other refused: the second saw the
    # first's result, never the state before it
    for client_file_id, job_ids in jobs.items():
        outcomes = sorted(stack.wait_for_job(job_id).status for job_id in job_ids)
        assert outcomes == ["done", "refused"], client_file_id
        refused = stack.scalar(
            sa.select(LifecycleJob).where(
                LifecycleJob.id.in_(job_ids), LifecycleJob.status == "refused"
            )
        )
        assert refused.reason == "already_deactivated"
        events = stack.scalar(
            sa.select(sa.func.count()).where(LifecycleEvent.client_file_id == client_file_id)
        )
        assert events == 1


def test_a_lifecycle_message_delivered_twice_acts_once(stack: Stack, practice: Practice) -> None:
    # GIVEN the same deactivation message twice (same task id, as a redelivery)
    task_id = uuid.uuid4()
    payload = {
        "client_file_id": str(practice.client_file_id),
        "actor_id": str(practice.staff.user_id),
    }
    stack.send(messages.DEACTIVATE, task_id=task_id, **payload)
    stack.send(messages.DEACTIVATE, task_id=task_id, **payload)

    # WHEN two worker processes run both at the same moment
    stack.start_worker(concurrency=2)
    stack.wait_for("both deliveries", lambda: stack.worker_log().count("succeeded") >= 2)

    # THEN the job is done once, not refused the second time, with one audit event
    job = stack.wait_for_job(task_id)
    assert job.status == "done"
    events = stack.scalar(
        sa.select(sa.func.count()).where(LifecycleEvent.client_file_id == practice.client_file_id)
    )
    assert events == 1
