"""Times given with offsets other than UTC, on SQLite and on PostgreSQL: the schedule, hold
and grace paths store the same instant and compare it as one on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.model import Action, LifecyclePolicy
from app.errors import InvalidInput
from app.persistence.models import ClientFile
from app.persistence.repair import repair_instants
from app.persistence.uow import UnitOfWork
from app.services import admin, deletion, due_actions, holds, schedules
from app.storage import LocalBlobStore
from tests.services.conftest import FakeDispatcher, Office
from tests.support.services import check_postgres, scratch_database

PLUS_ONE, PLUS_FIVE, MINUS_EIGHT = (timezone(timedelta(hours=h)) for h in (1, 5, -8))
NOW = datetime(2027, 1, 5, 9, 30, tzinfo=UTC)
GRACE = timedelta(days=7)


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    def build(url: str) -> Settings:
        return Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=url, storage_dir=tmp_path / "blobs", delete_batch_size=3
        )

    if request.param == "sqlite":
        yield build(f"sqlite:///{tmp_path / 'dossier.db'}")
        return
    check_postgres()
    with scratch_database("dossier_tz") as url:
        yield build(url)


@pytest.fixture
def office(
    sessions: sessionmaker[Session],
    dispatcher: FakeDispatcher,
    blobs: LocalBlobStore,
    settings: Settings,
) -> Office:
    uow = UnitOfWork(
        sessions, dispatcher, policy=LifecyclePolicy(deletion_grace=GRACE), clock=lambda: NOW
    )
    practice_id = admin.create_practice(uow, "Cabinet Dupont")
    staff_id = admin.create_staff_user(uow, practice_id, "Claire Dupont", "claire@dupont.test")
    file_id = admin.create_client_file(uow, practice_id, "Boulangerie Martin")
    return Office(uow, blobs, settings, practice_id, staff_id, file_id)


def schedule_at(office: Office, run_at: datetime) -> uuid.UUID:
    view = schedules.schedule(
        office.uow,
        client_file_id=office.file_id,
        actor_id=office.staff_id,
        action=Action.DEACTIVATE,
        run_at=run_at,
        now=NOW,
    )
    return view.id


def run_due(office: Office, now: datetime) -> due_actions.DueReport:
    return due_actions.run_due(
        office.uow,
        office.blobs,
        stale_after=timedelta(hours=1),
        delete_batch_size=3,
        now=now,
    )


def test_a_schedule_keeps_its_instant(office: Office) -> None:
    run_at = datetime(2027, 3, 1, 18, 0, tzinfo=PLUS_ONE)  # 17:00 UTC
    schedule_at(office, run_at)

    [stored] = schedules.list_for_file(
        office.uow, actor=office.actor(), client_file_id=office.file_id
    )

    assert stored.run_at == run_at
    assert stored.run_at.utcoffset() == timedelta(0)


def test_a_schedule_is_not_due_one_second_before_its_instant(office: Office) -> None:
    run_at = datetime(2027, 3, 1, 18, 0, tzinfo=PLUS_ONE)
    schedule_at(office, run_at)

    early = run_due(office, (run_at - timedelta(seconds=1)).astimezone(MINUS_EIGHT))
    due = run_due(office, run_at.astimezone(PLUS_FIVE))

    assert (early.done, due.done) == (0, 1)


def test_a_hold_keeps_its_offset_and_ends_at_that_instant(office: Office) -> None:
    until = datetime(2027, 6, 30, 23, 0, tzinfo=PLUS_FIVE)  # 18:00 UTC
    holds.place(
        office.uow,
        client_file_id=office.file_id,
        actor_id=office.staff_id,
        reason="tax audit",
        until=until,
    )
    with office.uow:
        stored = office.uow.files.get(office.file_id)
        assert stored is not None
        kept = stored.hold_until

    assert kept == until
    assert kept is not None
    assert kept.utcoffset() == timedelta(0)


def test_the_purge_starts_at_the_end_of_the_grace_period_given_in_any_offset(
    office: Office,
) -> None:
    deletion.delete(
        office.uow,
        office.blobs,
        job_id=uuid.uuid4(),
        client_file_id=office.file_id,
        actor_id=office.staff_id,
        batch_size=3,
    )
    ends = NOW + GRACE

    early = due_actions.start_due_purges(
        office.uow, now=(ends - timedelta(seconds=1)).astimezone(PLUS_FIVE)
    )
    due = due_actions.start_due_purges(office.uow, now=ends.astimezone(MINUS_EIGHT))

    assert (early, due) == (0, 1)


@pytest.mark.parametrize(
    "until",
    [
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(-timedelta(hours=12))),
        datetime(3000, 1, 1, tzinfo=UTC),
        datetime(2027, 6, 30, 23, 0),  # no time zone
    ],
)
def test_a_time_out_of_bounds_is_refused_and_changes_nothing(
    office: Office, until: datetime
) -> None:
    with pytest.raises(InvalidInput):
        holds.place(
            office.uow,
            client_file_id=office.file_id,
            actor_id=office.staff_id,
            reason="forever",
            until=until,
        )
    with pytest.raises(InvalidInput):
        schedule_at(office, until)

    with office.uow:
        stored = office.uow.files.get(office.file_id)
        assert stored is not None
        assert stored.hold_until is None


def test_repair_brings_a_poisoned_time_back_so_the_row_reads_again(
    office: Office, db: Engine
) -> None:
    # Written as the API once let it through: the year 10000 in UTC.
    with db.begin() as connection:
        connection.execute(
            text("UPDATE client_files SET hold_until = :until, hold_reason = 'x' WHERE id = :id"),
            {
                "until": "9999-12-31 23:59:59-12:00",
                "id": office.file_id.hex if db.dialect.name == "sqlite" else str(office.file_id),
            },
        )

    repaired = repair_instants(db)
    again = repair_instants(db)
    with office.uow:
        stored = office.uow.session.get(ClientFile, office.file_id)
        assert stored is not None
        until = stored.hold_until

    assert [(item.table, item.column, item.rows) for item in repaired] == [
        ("client_files", "hold_until", 1)
    ]
    assert again == []
    assert until == datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_repair_turns_exception_text_in_reasons_into_codes(office: Office, db: Engine) -> None:
    from app.persistence.repair import repair_reasons

    document_id = office.upload()
    with db.begin() as connection:
        connection.execute(
            text("UPDATE documents SET reason = :reason"),
            {"reason": "The extraction engine failed: RuntimeError: /srv/secret/path"},
        )

    repaired = repair_reasons(db)
    document = office.document(document_id)

    assert [item.rows for item in repaired] == [1]
    assert document is not None
    assert document.reason == "engine_error"
