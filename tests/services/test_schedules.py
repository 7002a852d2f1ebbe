"""Scheduled lifecycle actions, with the clock passed in: a schedule runs once when it is
due (also long after, when every runner was down), through the same code as an immediate
change; cancelled and refused ones change nothing and are not retried."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from app.domain.model import Action, FileStatus
from app.errors import ActionRefused, InvalidInput, NotFound
from app.persistence.schedules import ScheduledActions
from app.services import admin, due_actions, schedules
from app.storage import LocalBlobStore

if TYPE_CHECKING:
    from tests.services.conftest import Office

NOW = datetime(2027, 12, 31, 18, 0, tzinfo=UTC)
STALE = timedelta(hours=1)


def plan(office: Office, action: Action, at: datetime, **options: Any) -> uuid.UUID:
    recorded = schedules.schedule(
        office.uow,
        client_file_id=options.pop("file_id", office.file_id),
        actor_id=options.pop("by", office.staff_id),
        action=action,
        run_at=at,
        params=options,
        now=NOW,
    )
    assert recorded.status == "scheduled"
    return recorded.id


def run(office: Office, at: datetime, blobs: LocalBlobStore | None = None) -> Any:
    return due_actions.run_due(
        office.uow,
        blobs or office.blobs,
        stale_after=STALE,
        delete_batch_size=office.settings.delete_batch_size,
        now=at,
    )


def shown(office: Office, schedule_id: uuid.UUID) -> schedules.ScheduleView:
    items = schedules.list_for_file(office.uow, actor=office.actor(), client_file_id=office.file_id)
    return next(item for item in items if item.id == schedule_id)


def file_status(office: Office, file_id: uuid.UUID | None = None) -> FileStatus | None:
    with office.uow:
        client_file = office.uow.files.get(file_id or office.file_id)
        return None if client_file is None else client_file.status


def event_actions(office: Office, file_id: uuid.UUID | None = None) -> list[str]:
    with office.uow:
        return [e.action for e in office.uow.lifecycle.events_for(file_id or office.file_id)]


def test_nothing_runs_before_its_time(office: Office) -> None:
    plan(office, Action.DEACTIVATE, NOW + timedelta(days=1))

    report = run(office, NOW + timedelta(hours=23))

    assert report == due_actions.DueReport()
    assert file_status(office) is FileStatus.ACTIVE


def test_a_due_schedule_runs_as_its_job_with_the_same_effects_as_an_immediate_change(
    office: Office,
) -> None:
    queued = office.queued()
    schedule_id = plan(office, Action.DEACTIVATE, NOW + timedelta(days=1))

    report = run(office, NOW + timedelta(days=1))

    assert report.done == 1
    assert file_status(office) is FileStatus.DEACTIVATED
    assert office.status(queued).value == "skipped"  # the purge ran, as for an immediate one
    item = shown(office, schedule_id)
    assert (item.status, item.attempts, item.finished_at is not None) == ("done", 1, True)
    with office.uow:
        job = office.uow.lifecycle.job(item.job_id)
        assert job is not None
        assert job.status == "done"
        assert job.counts["documents_skipped"] == 1
    assert event_actions(office) == ["deactivate"]


def test_schedules_due_while_no_runner_ran_are_caught_up_once_in_order(office: Office) -> None:
    # A seasonal client: deactivate at year-end, reactivate before the next period.
    deactivate = plan(office, Action.DEACTIVATE, NOW + timedelta(hours=6))
    reactivate = plan(office, Action.REACTIVATE, NOW + timedelta(days=60), reprocess_skipped=True)

    report = run(office, NOW + timedelta(days=90))  # the first run after a long outage
    again = run(office, NOW + timedelta(days=90, minutes=1))

    assert (report.done, again) == (2, due_actions.DueReport())
    assert file_status(office) is FileStatus.ACTIVE
    assert event_actions(office) == ["deactivate", "reactivate"]
    assert [shown(office, s).status for s in (deactivate, reactivate)] == ["done", "done"]


def test_a_cancelled_schedule_does_nothing(office: Office) -> None:
    schedule_id = plan(office, Action.DEACTIVATE, NOW + timedelta(days=1))

    cancelled = schedules.cancel(
        office.uow, actor=office.actor(), client_file_id=office.file_id, schedule_id=schedule_id
    )
    report = run(office, NOW + timedelta(days=2))

    assert cancelled.status == "cancelled"
    assert report == due_actions.DueReport()
    assert file_status(office) is FileStatus.ACTIVE
    assert event_actions(office) == []
    again = schedules.cancel(
        office.uow, actor=office.actor(), client_file_id=office.file_id, schedule_id=schedule_id
    )
    assert again.status == "cancelled"  # cancelling twice is the same as once


def test_a_schedule_that_has_run_can_no_longer_be_cancelled(office: Office) -> None:
    schedule_id = plan(office, Action.DEACTIVATE, NOW + timedelta(days=1))
    run(office, NOW + timedelta(days=1))

    with pytest.raises(ActionRefused) as refused:
        schedules.cancel(
            office.uow,
            actor=office.actor(),
            client_file_id=office.file_id,
            schedule_id=schedule_id,
        )

    assert refused.value.reason == "schedule_not_pending"
    assert shown(office, schedule_id).status == "done"


def test_an_action_no_longer_allowed_when_due_is_refused_with_the_reason_and_not_retried(
    office: Office,
) -> None:
    schedule_id = plan(office, Action.REACTIVATE, NOW + timedelta(days=1))  # never deactivated

    report = run(office, NOW + timedelta(days=1))
    later = run(office, NOW + timedelta(days=5))

    assert (report.refused, later) == (1, due_actions.DueReport())
    item = shown(office, schedule_id)
    assert (item.status, item.reason, item.attempts) == ("refused", "not_deactivated", 1)
    assert item.message == "This client file is not deactivated."
    assert file_status(office) is FileStatus.ACTIVE
    assert event_actions(office) == []


def test_a_schedule_whose_file_was_detached_is_refused_as_not_found(office: Office) -> None:
    schedule_id = plan(office, Action.DEACTIVATE, NOW + timedelta(days=1))
    office.invite("paul@martin.test")
    office.change(Action.DETACH)

    report = run(office, NOW + timedelta(days=1))

    assert report.refused == 1
    with office.uow:
        record = ScheduledActions(office.uow.session).get(schedule_id)
        assert record is not None
        assert (record.status, record.reason) == ("refused", "not_found")
        client_file = office.uow.files.get(office.file_id)
        assert client_file is not None
        assert client_file.status is FileStatus.ACTIVE


def test_a_scheduled_delete_removes_every_row_and_blob(office: Office) -> None:
    office.extracted()
    office.upload(office.receipt(2))
    schedule_id = plan(office, Action.DELETE, NOW + timedelta(days=1))

    report = run(office, NOW + timedelta(days=1))

    assert report.done == 1
    assert file_status(office) is None
    assert office.blobs.count_prefix(str(office.file_id)) == 0
    assert event_actions(office) == ["delete"]
    with office.uow:
        record = ScheduledActions(office.uow.session).get(schedule_id)
        assert record is not None
        assert record.status == "done"


class BrokenBlobs(LocalBlobStore):
    def _unlink(self, path: str) -> None:
        raise OSError("the blob store is unreachable")


def test_a_run_that_fails_is_tried_again_on_the_next_run_and_then_finishes(
    office: Office, tmp_path: Path
) -> None:
    office.upload()
    schedule_id = plan(office, Action.DELETE, NOW + timedelta(days=1))

    first = run(office, NOW + timedelta(days=1), blobs=BrokenBlobs(office.blobs.root))
    second = run(office, NOW + timedelta(days=1, minutes=1))

    assert (first.retrying, second.done) == (1, 1)
    assert file_status(office) is None
    item_attempts = _record(office, schedule_id)
    assert item_attempts == ("done", 2)


def test_a_run_that_keeps_failing_is_given_up_after_the_last_attempt(office: Office) -> None:
    office.upload()
    schedule_id = plan(office, Action.DELETE, NOW + timedelta(days=1))
    broken = BrokenBlobs(office.blobs.root)

    reports = [
        run(office, NOW + timedelta(days=1, minutes=minute), blobs=broken) for minute in range(5)
    ]

    assert [r.retrying for r in reports] == [1, 1, 0, 0, 0]
    assert [r.failed for r in reports] == [0, 0, 1, 0, 0]
    assert _record(office, schedule_id) == ("failed", due_actions.MAX_ATTEMPTS)


def test_a_runner_that_died_is_taken_over_once_stale_and_its_job_runs_once(
    office: Office,
) -> None:
    schedule_id = plan(office, Action.DEACTIVATE, NOW + timedelta(days=1))
    due = NOW + timedelta(days=1)
    claims, _ = due_actions.claim(office.uow, now=due, stale_after=STALE, limit=10)
    assert [c.id for c in claims] == [schedule_id]  # ... and the runner dies here

    too_soon = run(office, due + STALE - timedelta(seconds=1))
    taken_over = run(office, due + STALE + timedelta(seconds=1))

    assert too_soon == due_actions.DueReport()
    assert taken_over.done == 1
    assert _record(office, schedule_id) == ("done", 2)
    assert event_actions(office) == ["deactivate"]


def test_a_schedule_interrupted_every_time_fails_for_good(office: Office) -> None:
    schedule_id = plan(office, Action.DEACTIVATE, NOW + timedelta(days=1))
    moment = NOW + timedelta(days=1)
    for _ in range(due_actions.MAX_ATTEMPTS):  # each runner dies after claiming
        due_actions.claim(office.uow, now=moment, stale_after=STALE, limit=10)
        moment += STALE + timedelta(seconds=1)

    report = run(office, moment)

    assert report.failed == 1
    record = _record(office, schedule_id)
    assert record == ("failed", due_actions.MAX_ATTEMPTS + 1)
    assert file_status(office) is FileStatus.ACTIVE


def _record(office: Office, schedule_id: uuid.UUID) -> tuple[str, int]:
    with office.uow:
        record = ScheduledActions(office.uow.session).get(schedule_id)
        assert record is not None
        return record.status, record.attempts


@pytest.mark.parametrize(
    ("action", "at", "options", "error"),
    [
        (Action.DEACTIVATE, NOW - timedelta(seconds=1), {}, InvalidInput),
        (Action.DEACTIVATE, NOW, {}, InvalidInput),
        (Action.DEACTIVATE, datetime(2028, 1, 1, 8, 0), {}, InvalidInput),  # no time zone
        (Action.SUBSCRIBE, NOW + timedelta(days=1), {}, InvalidInput),
        (Action.DEACTIVATE, NOW + timedelta(days=1), {"reprocess_skipped": True}, InvalidInput),
        (Action.REACTIVATE, NOW + timedelta(days=1), {"reprocess_skipped": "yes"}, InvalidInput),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_recorded(
    office: Office, action: Action, at: datetime, options: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        plan(office, action, at, **options)

    assert (
        schedules.list_for_file(office.uow, actor=office.actor(), client_file_id=office.file_id)
        == []
    )


def test_only_practice_staff_who_see_the_file_may_schedule(office: Office) -> None:
    client_id = office.invite("paul@martin.test")
    other_practice = admin.create_practice(office.uow, "Autre Cabinet")
    stranger = admin.create_staff_user(office.uow, other_practice, "Eve", "eve@autre.test")
    at = NOW + timedelta(days=1)

    with pytest.raises(ActionRefused) as refused:
        plan(office, Action.DETACH, at, by=client_id)
    with pytest.raises(NotFound):
        plan(office, Action.DETACH, at, by=stranger)
    with pytest.raises(NotFound):
        schedules.list_for_file(
            office.uow, actor=office.actor(stranger), client_file_id=office.file_id
        )

    assert refused.value.reason == "practice_staff_only"


def test_a_client_user_sees_the_schedules_but_cannot_cancel_them(office: Office) -> None:
    client_id = office.invite("paul@martin.test")
    schedule_id = plan(office, Action.DETACH, NOW + timedelta(days=1))
    client = office.actor(client_id)

    listed = schedules.list_for_file(office.uow, actor=client, client_file_id=office.file_id)
    with pytest.raises(ActionRefused):
        schedules.cancel(
            office.uow, actor=client, client_file_id=office.file_id, schedule_id=schedule_id
        )

    assert [item.id for item in listed] == [schedule_id]
    assert shown(office, schedule_id).status == "scheduled"


def test_a_schedule_of_another_file_is_not_found_through_this_one(office: Office) -> None:
    other_file = office.new_file()
    schedule_id = plan(office, Action.DEACTIVATE, NOW + timedelta(days=1), file_id=other_file)

    with pytest.raises(NotFound):
        schedules.cancel(
            office.uow, actor=office.actor(), client_file_id=office.file_id, schedule_id=schedule_id
        )


def test_the_same_schedule_id_twice_records_one_schedule(office: Office) -> None:
    schedule_id = uuid.uuid4()
    for _ in range(2):
        schedules.schedule(
            office.uow,
            client_file_id=office.file_id,
            actor_id=office.staff_id,
            action=Action.DEACTIVATE,
            run_at=NOW + timedelta(days=1),
            schedule_id=schedule_id,
            now=NOW,
        )

    listed = schedules.list_for_file(
        office.uow, actor=office.actor(), client_file_id=office.file_id
    )
    assert [item.id for item in listed] == [schedule_id]
