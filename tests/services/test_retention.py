"""The reactivation cooldown, retention holds and the deletion grace period, through the
real services on SQLite, with a clock the tests move."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.model import Action, DocumentStatus, FileStatus, LifecyclePolicy
from app.domain.retries import Which
from app.errors import ActionRefused, InvalidInput, NotFound
from app.persistence.models import Document
from app.persistence.schedules import ScheduledActions
from app.persistence.uow import UnitOfWork
from app.services import (
    admin,
    deletion,
    documents,
    due_actions,
    grace,
    holds,
    lifecycle,
    messages,
    queries,
    retries,
    schedules,
)
from app.storage import LocalBlobStore
from tests.services.conftest import FakeDispatcher, Office

START = datetime(2027, 1, 5, 9, 30, tzinfo=UTC)
COOLDOWN = timedelta(days=120)
GRACE = timedelta(days=7)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(
    sessions: sessionmaker[Session],
    dispatcher: FakeDispatcher,
    blobs: LocalBlobStore,
    settings: Settings,
    clock: Clock,
) -> Office:
    """An office whose unit of work has a cooldown, a grace period and our clock."""
    policy = LifecyclePolicy(reactivation_cooldown=COOLDOWN, deletion_grace=GRACE)
    uow = UnitOfWork(sessions, dispatcher, policy=policy, clock=clock)
    practice_id = admin.create_practice(uow, "Cabinet Dupont")
    staff_id = admin.create_staff_user(uow, practice_id, "Claire Dupont", "claire@dupont.test")
    file_id = admin.create_client_file(uow, practice_id, "Boulangerie Martin")
    return Office(uow, blobs, settings, practice_id, staff_id, file_id)


def file_status(office: Office) -> FileStatus | None:
    with office.uow:
        client_file = office.uow.files.get(office.file_id)
        return None if client_file is None else client_file.status


def delete(office: Office, job_id: uuid.UUID | None = None) -> lifecycle.JobResult:
    return deletion.delete(
        office.uow,
        office.blobs,
        job_id=job_id or uuid.uuid4(),
        client_file_id=office.file_id,
        actor_id=office.staff_id,
        batch_size=office.settings.delete_batch_size,
    )


def document_rows(office: Office) -> int:
    with office.uow:
        query = select(func.count()).where(Document.client_file_id == office.file_id)
        return office.uow.session.scalar(query) or 0


class TestReactivationCooldown:
    def test_refused_until_it_ends_with_the_date_then_allowed(
        self, timed: Office, clock: Clock
    ) -> None:
        timed.change(Action.DEACTIVATE)
        clock.advance(COOLDOWN - timedelta(minutes=1))

        early = timed.change(Action.REACTIVATE)
        clock.advance(timedelta(minutes=1))
        on_time = timed.change(Action.REACTIVATE)

        assert (early.status, early.reason) == ("refused", "reactivation_cooldown")
        assert early.message is not None
        assert "2027-05-05 09:30 UTC" in early.message
        assert on_time.status == "done"
        assert file_status(timed) is FileStatus.ACTIVE

    def test_the_manage_menu_says_when_it_ends(self, timed: Office) -> None:
        timed.change(Action.DEACTIVATE)

        menu = queries.available_actions(timed.uow, timed.actor(), timed.file_id)

        [reactivate] = [option for option in menu if option.action == "reactivate"]
        assert not reactivate.allowed
        assert reactivate.reason == "reactivation_cooldown"

    def test_off_by_default(self, office: Office) -> None:
        office.change(Action.DEACTIVATE)
        assert office.change(Action.REACTIVATE).status == "done"


class TestRetentionHold:
    def test_a_hold_refuses_deletion_until_it_ends(self, office: Office) -> None:
        office.upload()
        until = datetime.now(UTC) + timedelta(days=365)
        holds.place(
            office.uow,
            client_file_id=office.file_id,
            actor_id=office.staff_id,
            reason="tax audit",
            until=until,
        )

        refused = delete(office)

        assert (refused.status, refused.reason) == ("refused", "retention_hold")
        assert refused.message is not None
        assert "tax audit" in refused.message
        assert file_status(office) is FileStatus.ACTIVE
        assert document_rows(office) == 1

    def test_a_hold_that_has_ended_refuses_nothing(self, timed: Office, clock: Clock) -> None:
        holds.place(
            timed.uow,
            client_file_id=timed.file_id,
            actor_id=timed.staff_id,
            reason="dispute",
            until=START + timedelta(days=30),
        )
        clock.advance(timedelta(days=30))

        result = delete(timed)

        assert result.status == "running"  # in its grace period: see TestGracePeriod

    def test_a_released_hold_refuses_nothing(self, office: Office) -> None:
        until = datetime.now(UTC) + timedelta(days=365)
        holds.place(
            office.uow,
            client_file_id=office.file_id,
            actor_id=office.staff_id,
            reason="tax audit",
            until=until,
        )

        released = holds.release(
            office.uow, client_file_id=office.file_id, actor_id=office.staff_id
        )
        result = delete(office)

        assert (released.until, released.active) == (None, False)
        assert result.status == "done"
        with office.uow:
            actions = [e.action for e in office.uow.lifecycle.events_for(office.file_id)]
        assert actions == ["retention_hold", "retention_hold_released", "delete"]

    def test_only_staff_may_place_a_hold_and_it_must_end_in_the_future(
        self, office: Office
    ) -> None:
        client_id = office.invite("paul@martin.test")
        later = datetime.now(UTC) + timedelta(days=1)

        with pytest.raises(ActionRefused) as refused:
            holds.place(
                office.uow,
                client_file_id=office.file_id,
                actor_id=client_id,
                reason="x",
                until=later,
            )
        for reason, until in [
            ("audit", datetime.now(UTC) - timedelta(days=1)),
            ("audit", datetime(2030, 1, 1)),
            ("  ", later),
        ]:
            with pytest.raises(InvalidInput):
                holds.place(
                    office.uow,
                    client_file_id=office.file_id,
                    actor_id=office.staff_id,
                    reason=reason,
                    until=until,
                )

        assert refused.value.reason == "practice_staff_only"
        view = holds.show(office.uow, client_file_id=office.file_id, actor=office.actor())
        assert view.until is None

    def test_another_practice_gets_not_found(self, office: Office) -> None:
        other = admin.create_practice(office.uow, "Autre")
        stranger = admin.create_staff_user(office.uow, other, "Eve", "eve@autre.test")

        with pytest.raises(NotFound):
            holds.place(
                office.uow,
                client_file_id=office.file_id,
                actor_id=stranger,
                reason="x",
                until=datetime.now(UTC) + timedelta(days=1),
            )


class TestGracePeriod:
    def test_a_deleted_file_is_hidden_refuses_uploads_and_extracts_nothing(
        self, timed: Office, dispatcher: FakeDispatcher
    ) -> None:
        waiting = timed.upload()

        result = delete(timed)

        assert result.status == "running"
        assert result.message is not None
        assert "2027-01-12 09:30 UTC" in result.message
        assert file_status(timed) is FileStatus.DELETING
        with pytest.raises(NotFound):
            queries.get_file(timed.uow, timed.actor(), timed.file_id)
        with pytest.raises(ActionRefused) as refused:
            timed.upload(timed.receipt(2))
        assert refused.value.reason == "file_being_deleted"
        assert documents.gate(timed.uow, waiting) == "dropped"
        assert timed.status(waiting) is DocumentStatus.PENDING
        # Nothing is removed while the grace period lasts
        assert document_rows(timed) == 1
        assert timed.blobs.count_prefix(str(timed.file_id)) == 1
        listed = queries.list_files(timed.uow, timed.actor(), FileStatus.DELETING)
        assert [view.id for view in listed] == [timed.file_id]

    def test_reads_find_nothing_while_changes_reach_the_file_to_refuse_it(
        self, timed: Office
    ) -> None:
        waiting = timed.upload()
        delete(timed)
        actor = timed.actor()

        with pytest.raises(NotFound) as document:
            queries.get_document(timed.uow, actor, waiting)
        with pytest.raises(NotFound):
            holds.show(timed.uow, client_file_id=timed.file_id, actor=actor)
        change = timed.change(Action.DEACTIVATE)
        with pytest.raises(ActionRefused) as resend:
            retries.resend(
                timed.uow,
                job_id=uuid.uuid4(),
                actor_id=timed.staff_id,
                client_file_id=timed.file_id,
                which=Which.SKIPPED,
            )
        with pytest.raises(ActionRefused) as retry:
            retries.retry(
                timed.uow, job_id=uuid.uuid4(), actor_id=timed.staff_id, document_id=waiting
            )

        assert document.value.message == "No such document."
        assert (change.status, change.reason) == ("refused", "file_being_deleted")
        assert resend.value.reason == retry.value.reason == "file_being_deleted"

    def test_running_the_deletion_again_during_the_grace_period_removes_nothing(
        self, timed: Office, clock: Clock
    ) -> None:
        timed.upload()
        job_id = uuid.uuid4()
        delete(timed, job_id)
        clock.advance(GRACE - timedelta(seconds=1))

        again = delete(timed, job_id)  # as the sweeper would resend it

        assert again.status == "running"
        assert document_rows(timed) == 1

    def test_cancelling_gives_the_file_back_as_it_was(
        self, timed: Office, clock: Clock, dispatcher: FakeDispatcher
    ) -> None:
        timed.change(Action.DEACTIVATE)
        kept = timed.upload()
        job_id = uuid.uuid4()
        delete(timed, job_id)
        clock.advance(GRACE - timedelta(seconds=1))
        dispatcher.clear()

        result = grace.cancel_deletion(
            timed.uow, client_file_id=timed.file_id, actor_id=timed.staff_id
        )

        assert (result.job_id, result.status) == (job_id, "cancelled")
        assert file_status(timed) is FileStatus.DEACTIVATED
        assert queries.get_file(timed.uow, timed.actor(), timed.file_id).id == timed.file_id
        documents.gate(timed.uow, kept)  # sent again by the cancel: judged as it is now
        assert timed.status(kept) is DocumentStatus.SKIPPED
        with timed.uow:
            actions = [e.action for e in timed.uow.lifecycle.events_for(timed.file_id)]
        assert actions == ["deactivate", "delete_requested", "cancel_delete"]
        # The job that started it is finished: a late copy of its message does nothing
        assert delete(timed, job_id).status == "cancelled"
        assert file_status(timed) is FileStatus.DEACTIVATED

    def test_documents_waiting_when_cancelled_go_back_through_the_gate(
        self, timed: Office, dispatcher: FakeDispatcher
    ) -> None:
        waiting = timed.upload()
        delete(timed)
        dispatcher.clear()

        result = grace.cancel_deletion(
            timed.uow, client_file_id=timed.file_id, actor_id=timed.staff_id
        )

        assert result.counts == {"documents_resent": 1}
        assert [m.payload["document_id"] for m in dispatcher.named(messages.GATE)] == [str(waiting)]
        assert documents.gate(timed.uow, waiting) == "extract"

    def test_after_the_grace_period_the_runner_sends_the_purge_once_and_it_completes(
        self, timed: Office, clock: Clock, dispatcher: FakeDispatcher
    ) -> None:
        timed.extracted()
        job_id = uuid.uuid4()
        delete(timed, job_id)
        dispatcher.clear()

        too_soon = _run_due(timed, clock.now + GRACE - timedelta(seconds=1))
        clock.advance(GRACE)
        due = _run_due(timed, clock.now)
        again = _run_due(timed, clock.now + timedelta(minutes=1))
        with pytest.raises(ActionRefused) as refused:
            grace.cancel_deletion(timed.uow, client_file_id=timed.file_id, actor_id=timed.staff_id)
        [purge] = dispatcher.named(messages.DELETE)
        result = delete(timed, uuid.UUID(purge.payload["job_id"]))  # the worker runs it

        assert (too_soon.purges_sent, due.purges_sent, again.purges_sent) == (0, 1, 0)
        assert refused.value.reason == "purge_started"
        assert purge.payload["job_id"] == str(job_id)
        assert result.status == "done"
        assert file_status(timed) is None
        assert timed.blobs.count_prefix(str(timed.file_id)) == 0

    def test_without_a_grace_period_nothing_can_be_cancelled(self, office: Office) -> None:
        office.upload()
        assert delete(office).status == "done"

        with pytest.raises(NotFound):
            grace.cancel_deletion(
                office.uow, client_file_id=office.file_id, actor_id=office.staff_id
            )

    def test_a_scheduled_deletion_starts_the_grace_period(self, timed: Office) -> None:
        recorded = schedules.schedule(
            timed.uow,
            client_file_id=timed.file_id,
            actor_id=timed.staff_id,
            action=Action.DELETE,
            run_at=START + timedelta(days=1),
            now=START,
        )

        report = _run_due(timed, START + timedelta(days=1))

        assert report.done == 1
        assert file_status(timed) is FileStatus.DELETING
        with timed.uow:
            row = ScheduledActions(timed.uow.session).get(recorded.id)
            assert row is not None
            assert (row.status, row.message is not None) == ("done", True)
        with pytest.raises(NotFound):  # hidden, and so is its list of schedules
            schedules.list_for_file(timed.uow, actor=timed.actor(), client_file_id=timed.file_id)


def _run_due(office: Office, now: datetime) -> due_actions.DueReport:
    return due_actions.run_due(
        office.uow,
        office.blobs,
        stale_after=timedelta(hours=1),
        delete_batch_size=office.settings.delete_batch_size,
        now=now,
    )
