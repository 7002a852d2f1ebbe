"""One action over many files: the dry run says per file whether it would be allowed and
why not, and changes nothing; real runs report each file's outcome, one refusal never
holding back the others."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from app.domain.model import Action, FileStatus
from app.errors import InvalidInput
from app.persistence.auth import LifecycleRequest
from app.persistence.models import LifecycleEvent, LifecycleJob
from app.services import admin, bulk, messages

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


def statuses(office: Office, file_ids: list[uuid.UUID]) -> list[FileStatus | None]:
    with office.uow:
        found = [office.uow.files.get(file_id) for file_id in file_ids]
        return [f.status if f is not None else None for f in found]


def rows(office: Office, model: type) -> int:
    with office.uow:
        return office.uow.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def files(office: Office) -> dict[str, uuid.UUID]:
    """An active file, a deactivated one, another practice's one and an unknown id."""
    deactivated = office.new_file("Glacier")
    office.change(Action.DEACTIVATE, file_id=deactivated)
    other = admin.create_practice(office.uow, "Autre Cabinet")
    theirs = admin.create_client_file(office.uow, other, "Garage")
    return {
        "active": office.file_id,
        "deactivated": deactivated,
        "theirs": theirs,
        "unknown": uuid.uuid4(),
    }


def test_the_dry_run_says_per_file_whether_and_why_not_and_changes_nothing(
    office: Office, files: dict[str, uuid.UUID]
) -> None:
    events_before = rows(office, LifecycleEvent)

    items = bulk.dry_run(
        office.uow,
        actor_id=office.staff_id,
        action=Action.DEACTIVATE,
        client_file_ids=list(files.values()),
    )

    assert [(i.outcome, i.reason) for i in items] == [
        ("allowed", None),
        ("refused", "already_deactivated"),
        ("not_found", "not_found"),
        ("not_found", "not_found"),
    ]
    assert [i.allowed for i in items] == [True, False, False, False]
    assert items[1].message == "This client file is already deactivated."
    # Another practice's file reads exactly like one that does not exist
    assert items[2].message == items[3].message
    assert statuses(office, [files["active"], files["deactivated"]]) == [
        FileStatus.ACTIVE,
        FileStatus.DEACTIVATED,
    ]
    assert rows(office, LifecycleEvent) == events_before


def test_the_real_run_reports_each_outcome_and_changes_only_the_allowed_files(
    office: Office, files: dict[str, uuid.UUID]
) -> None:
    items = bulk.run_all(
        office.uow,
        office.blobs,
        actor_id=office.staff_id,
        action=Action.REACTIVATE,
        client_file_ids=list(files.values()),
    )

    assert [(i.outcome, i.reason) for i in items] == [
        ("refused", "not_deactivated"),
        ("done", None),
        ("not_found", "not_found"),
        ("not_found", "not_found"),
    ]
    assert items[1].job_id is not None
    assert statuses(office, [files["active"], files["deactivated"]]) == [FileStatus.ACTIVE] * 2


def test_a_bulk_delete_removes_the_files_that_allow_it(office: Office) -> None:
    shared = office.new_file("Boucherie")
    office.invite("lenoir@boucherie.test", file_id=shared)
    office.upload()

    items = bulk.run_all(
        office.uow,
        office.blobs,
        actor_id=office.staff_id,
        action=Action.DELETE,
        client_file_ids=[office.file_id, shared],
        delete_batch_size=2,
    )

    assert [(i.outcome, i.reason) for i in items] == [
        ("done", None),
        ("refused", "has_client_users"),
    ]
    assert items[0].counts is not None
    assert items[0].counts["documents_deleted"] == 1
    assert statuses(office, [office.file_id, shared]) == [None, FileStatus.ACTIVE]


def test_requests_record_pending_jobs_only_for_files_that_allow_the_action(
    office: Office, files: dict[str, uuid.UUID], dispatcher: FakeDispatcher
) -> None:
    items, to_send = bulk.request_all(
        office.uow,
        actor_id=office.staff_id,
        action=Action.DEACTIVATE,
        client_file_ids=list(files.values()),
    )

    assert [i.outcome for i in items] == ["pending", "refused", "not_found", "not_found"]
    assert [m.name for m in to_send] == [messages.DEACTIVATE]
    assert to_send[0].task_id == items[0].job_id
    assert rows(office, LifecycleRequest) == 1
    assert statuses(office, [files["active"]]) == [FileStatus.ACTIVE]  # a worker runs it
    assert rows(office, LifecycleJob) == 1  # the setup's deactivation only


def test_each_file_counts_once(office: Office) -> None:
    items = bulk.dry_run(
        office.uow,
        actor_id=office.staff_id,
        action=Action.DEACTIVATE,
        client_file_ids=[office.file_id, office.file_id],
    )
    assert [i.client_file_id for i in items] == [office.file_id]


@pytest.mark.parametrize(
    ("action", "count"),
    [(Action.SUBSCRIBE, 1), (Action.DEACTIVATE, 0), (Action.DEACTIVATE, bulk.MAX_FILES + 1)],
)
def test_bad_bulk_requests_are_refused_whole(office: Office, action: Action, count: int) -> None:
    with pytest.raises(InvalidInput):
        bulk.dry_run(
            office.uow,
            actor_id=office.staff_id,
            action=action,
            client_file_ids=[uuid.uuid4() for _ in range(count)],
        )
