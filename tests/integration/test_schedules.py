"""Scheduled actions on real PostgreSQL with real workers and a real beat: schedules due
while every worker was down run once when one is back; concurrent claimers never take one
schedule twice; cancelled and refused schedules change nothing."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.domain.model import Action, FileStatus
from app.errors import NotFound
from app.local import beat_command, start
from app.persistence.models import ClientFile, LifecycleEvent
from app.persistence.schedules import ScheduledAction
from app.services import admin, due_actions, messages, schedules
from tests.integration.conftest import Practice, Stack, new_practice
from tests.support.consent import invite_and_accept

FINISHED = ("done", "refused", "failed", "cancelled")


def due_schedule(
    stack: Stack, practice: Practice, file_id: uuid.UUID, action: Action, **params: object
) -> uuid.UUID:
    """A schedule asked for yesterday that came due an hour ago."""
    now = datetime.now(UTC)
    recorded = schedules.schedule(
        stack.runtime.uow(),
        client_file_id=file_id,
        actor_id=practice.staff.user_id,
        action=action,
        run_at=now - timedelta(hours=1),
        params=dict(params),
        now=now - timedelta(days=1),
    )
    return recorded.id


def record(stack: Stack, schedule_id: uuid.UUID) -> ScheduledAction:
    found = stack.scalar(sa.select(ScheduledAction).where(ScheduledAction.id == schedule_id))
    assert found is not None
    return found


def wait_finished(stack: Stack, schedule_ids: list[uuid.UUID]) -> list[ScheduledAction]:
    def finished() -> bool:
        return all(record(stack, s).status in FINISHED for s in schedule_ids)

    stack.wait_for(f"{len(schedule_ids)} schedules to finish", finished)
    return [record(stack, s) for s in schedule_ids]


def status_of(stack: Stack, file_id: uuid.UUID) -> FileStatus | None:
    return stack.scalar(sa.select(ClientFile.status).where(ClientFile.id == file_id))


def events(stack: Stack, file_id: uuid.UUID) -> list[str]:
    query = sa.select(LifecycleEvent.action).where(LifecycleEvent.client_file_id == file_id)
    return [row[0] for row in stack.rows(query)]


def test_schedules_due_while_every_worker_was_down_run_once_when_one_is_back(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN beat running every second but no worker at all, and schedules that came due
    uow = stack.runtime.uow
    seasonal = practice.client_file_id
    closing = admin.create_client_file(uow(), practice.practice_id, "Glacier Saisonnier")
    deactivate = due_schedule(stack, practice, seasonal, Action.DEACTIVATE)
    delete = due_schedule(stack, practice, closing, Action.DELETE)
    later = schedules.schedule(
        uow(),
        client_file_id=seasonal,
        actor_id=practice.staff.user_id,
        action=Action.REACTIVATE,
        run_at=datetime.now(UTC) + timedelta(days=60),
    ).id
    beat_log = open(stack.tmp / "beat.log", "ab")  # noqa: SIM115 - closed with the process
    beat = start(
        beat_command(stack.tmp / "beat-schedule"),
        {**stack.env, "DOSSIER_SCHEDULE_INTERVAL_SECONDS": "1"},
        log=beat_log,
    )
    stack.workers.append(beat)  # stopped with the workers
    stack.wait_for(
        "beat to send run_due_actions",
        lambda: messages.RUN_DUE_ACTIONS in (stack.tmp / "beat.log").read_text(errors="replace"),
    )
    assert [record(stack, s).status for s in (deactivate, delete)] == ["scheduled"] * 2

    # WHEN a worker comes back
    stack.start_worker(concurrency=2)

    # THEN each due schedule runs once; the one not yet due waits
    done = wait_finished(stack, [deactivate, delete])
    assert [(s.status, s.attempts) for s in done] == [("done", 1), ("done", 1)]
    assert status_of(stack, seasonal) is FileStatus.DEACTIVATED
    assert status_of(stack, closing) is None
    assert events(stack, seasonal) == ["deactivate"]
    assert events(stack, closing) == ["delete"]
    assert record(stack, later).status == "scheduled"


def test_two_concurrent_claimers_never_claim_one_schedule_twice(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN sixty due schedules
    schedule_ids = {
        due_schedule(stack, practice, practice.client_file_id, Action.DEACTIVATE) for _ in range(60)
    }
    claimed: list[list[uuid.UUID]] = [[] for _ in range(4)]
    barrier = threading.Barrier(len(claimed))

    def claimer(mine: list[uuid.UUID]) -> None:
        barrier.wait()
        while True:
            claims, _ = due_actions.claim(
                stack.runtime.uow(),
                now=datetime.now(UTC),
                stale_after=timedelta(hours=1),
                limit=3,
            )
            if not claims:
                return
            mine.extend(c.id for c in claims)

    # WHEN four claimers take them at the same moment, a few at a time
    threads = [threading.Thread(target=claimer, args=(mine,)) for mine in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN every schedule was claimed exactly once, and its claim counted once in SQL
    every_claim = [schedule_id for mine in claimed for schedule_id in mine]
    assert sorted(every_claim) == sorted(schedule_ids)
    attempts = stack.rows(sa.select(ScheduledAction.attempts))
    assert {row[0] for row in attempts} == {1}


def test_two_workers_running_due_actions_at_once_run_each_schedule_once(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN twenty files, each with a due deactivation, and many runs asked for at once
    files = [
        admin.create_client_file(stack.runtime.uow(), practice.practice_id, f"Client {n}")
        for n in range(20)
    ]
    schedule_ids = [due_schedule(stack, practice, f, Action.DEACTIVATE) for f in files]
    for _ in range(6):
        stack.send(messages.RUN_DUE_ACTIONS)

    # WHEN two worker processes run them side by side
    stack.start_worker("w1", concurrency=2)
    stack.start_worker("w2", concurrency=2)

    # THEN each schedule ran once: one claim, one event, one deactivation
    done = wait_finished(stack, schedule_ids)
    assert {(s.status, s.attempts) for s in done} == {("done", 1)}
    assert all(events(stack, f) == ["deactivate"] for f in files)


def test_cancelled_and_refused_schedules_do_nothing(stack: Stack, practice: Practice) -> None:
    # GIVEN a cancelled schedule, one no longer allowed, and one asked for by a task
    uow = stack.runtime.uow
    kept = practice.client_file_id
    with_client = admin.create_client_file(uow(), practice.practice_id, "Boucherie Lenoir")
    invite_and_accept(
        uow(), with_client, practice.staff.user_id, f"lenoir-{uuid.uuid4().hex[:6]}@client.test"
    )
    cancelled = due_schedule(stack, practice, kept, Action.DEACTIVATE)
    schedules.cancel(uow(), actor=practice.staff, client_file_id=kept, schedule_id=cancelled)
    not_deactivated = due_schedule(stack, practice, kept, Action.REACTIVATE)
    has_client = due_schedule(stack, practice, with_client, Action.DELETE)
    stack.start_worker()
    by_task = uuid.uuid4()
    stack.send(
        messages.SCHEDULE,
        task_id=by_task,
        client_file_id=str(kept),
        actor_id=str(practice.staff.user_id),
        action="deactivate",
        run_at=(datetime.now(UTC) + timedelta(days=90)).isoformat(),
    )

    # WHEN the due actions run, twice
    stack.send(messages.RUN_DUE_ACTIONS)
    outcomes = wait_finished(stack, [not_deactivated, has_client])
    stack.send(messages.RUN_DUE_ACTIONS)
    stack.wait_for("the task's schedule", lambda: _exists(stack, by_task))
    second_run = stack.send(messages.RUN_DUE_ACTIONS)
    stack.wait_for(
        "the last run to be done",
        lambda: f"{second_run}] succeeded" in stack.worker_log(),
    )

    # THEN refusals carry their reason, were tried once, and nothing changed anywhere
    assert [(s.status, s.reason, s.attempts) for s in outcomes] == [
        ("refused", "not_deactivated", 1),
        ("refused", "has_client_users", 1),
    ]
    after_more_runs = [record(stack, s) for s in (not_deactivated, has_client)]
    assert [(s.status, s.attempts) for s in after_more_runs] == [("refused", 1)] * 2
    assert record(stack, cancelled).status == "cancelled"
    assert record(stack, by_task).status == "scheduled"
    assert status_of(stack, kept) is FileStatus.ACTIVE
    assert status_of(stack, with_client) is FileStatus.ACTIVE
    assert events(stack, kept) == []
    assert events(stack, with_client) == ["invite_client_user", "accept_invitation"]


def _exists(stack: Stack, schedule_id: uuid.UUID) -> bool:
    query = sa.select(sa.func.count()).where(ScheduledAction.id == schedule_id)
    return bool(stack.scalar(query))


def test_a_practice_reads_and_cancels_only_the_schedules_its_own_staff_made(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN a schedule made by the practice, then the file taken by another practice
    uow = stack.runtime.uow

    def in_a_month(action: Action, actor_id: uuid.UUID) -> schedules.ScheduleView:
        return schedules.schedule(
            uow(),
            client_file_id=practice.client_file_id,
            actor_id=actor_id,
            action=action,
            run_at=datetime.now(UTC) + timedelta(days=30),
        )

    former = in_a_month(Action.DEACTIVATE, practice.staff.user_id)
    other = new_practice(stack)
    with uow() as unit:
        unit.session.execute(
            sa.update(ClientFile)
            .where(ClientFile.id == practice.client_file_id)
            .values(practice_id=other.practice_id)
        )
        unit.commit()
    own = in_a_month(Action.DETACH, other.staff.user_id)

    # WHEN the new practice lists the file's schedules and cancels the former one
    listed = schedules.list_for_file(
        uow(), actor=other.staff, client_file_id=practice.client_file_id
    )
    with pytest.raises(NotFound):
        schedules.cancel(
            uow(), actor=other.staff, client_file_id=practice.client_file_id, schedule_id=former.id
        )

    # THEN it sees its own only, and the former practice's is still scheduled
    assert [item.id for item in listed] == [own.id]
    assert record(stack, former.id).status == "scheduled"
