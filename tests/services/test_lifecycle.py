"""Lifecycle changes through lifecycle.change: what they do to the file and its queued work,
what they record (job and audit event), and that a refusal or a rerun changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from app.domain.model import Action, Billing, DocumentStatus, FileStatus
from app.errors import ActionRefused, InvalidInput, NotFound
from app.services import attach, documents, invitations, lifecycle, messages, queries
from tests.support.consent import attach_by_request, invitation_token, mails_to, send_invitation

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


@dataclass(frozen=True)
class FileRow:
    practice_id: uuid.UUID | None
    billing: Billing
    status: FileStatus


@dataclass(frozen=True)
class Event:
    job_id: uuid.UUID | None
    action: str
    actor_id: uuid.UUID | None
    from_state: dict[str, Any]
    to_state: dict[str, Any]
    counts: dict[str, Any]


def file_row(office: Office, file_id: uuid.UUID | None = None) -> FileRow:
    with office.uow:
        row = office.uow.files.get(file_id or office.file_id)
        assert row is not None
        return FileRow(row.practice_id, row.billing, row.status)


def events(office: Office, file_id: uuid.UUID | None = None) -> list[Event]:
    with office.uow:
        return [
            Event(e.job_id, e.action, e.actor_id, e.from_state, e.to_state, dict(e.counts))
            for e in office.uow.lifecycle.events_for(file_id or office.file_id)
        ]


def job(office: Office, job_id: uuid.UUID) -> lifecycle.JobResult:
    with office.uow:
        row = office.uow.lifecycle.job(job_id)
        assert row is not None
        return lifecycle.job_result(row)


class TestDeactivate:
    def test_skips_the_files_queued_work_and_counts_it(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        extracted = office.extracted(office.receipt(0))
        queued = [office.queued(office.receipt(i)) for i in (1, 2)]
        pending = office.upload(office.receipt(3))
        with office.uow:
            waiting_tasks = {
                doc.task_id
                for doc in office.uow.documents.in_file(office.file_id)
                if doc.id in {*queued, pending}
            }
        dispatcher.clear()
        job_id = uuid.uuid4()

        result = office.change(Action.DEACTIVATE, job_id=job_id)

        expected = {"documents_skipped": 3, "tasks_revoked": 3}
        assert (result.status, result.counts) == ("done", expected)
        assert file_row(office).status is FileStatus.DEACTIVATED
        for document_id in [*queued, pending]:
            document = office.document(document_id)
            assert document is not None
            assert (document.status, document.reason) == (
                DocumentStatus.SKIPPED,
                "client_file_deactivated",
            )
        assert office.status(extracted) is DocumentStatus.EXTRACTED
        assert set(dispatcher.revoked) == waiting_tasks
        assert dispatcher.sent == []
        assert job(office, job_id) == result
        [event] = events(office)
        assert (event.job_id, event.action, event.actor_id) == (
            job_id,
            "deactivate",
            office.staff_id,
        )
        assert event.counts == expected
        assert event.from_state["status"] == "active"
        assert event.to_state["status"] == "deactivated"

    def test_the_practice_keeps_the_file_under_deactivated(self, office: Office) -> None:
        office.change(Action.DEACTIVATE)

        staff = office.actor()
        active = queries.list_files(office.uow, staff, FileStatus.ACTIVE)
        deactivated = queries.list_files(office.uow, staff, FileStatus.DEACTIVATED)

        assert [view.id for view in active] == []
        assert [view.id for view in deactivated] == [office.file_id]


class TestRefusal:
    def test_is_recorded_on_the_job_and_changes_nothing_else(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        office.invite("owner@martin.test")
        queued = office.queued()
        before = file_row(office)
        events_before = events(office)
        dispatcher.clear()
        job_id = uuid.uuid4()

        result = office.change(Action.DELETE, job_id=job_id)

        assert result.status == "refused"
        assert result.reason == "has_client_users"
        assert result.message
        assert "detach" in result.message
        assert job(office, job_id) == result
        assert file_row(office) == before
        assert events(office) == events_before
        assert office.status(queued) is DocumentStatus.QUEUED
        assert dispatcher.sent == []
        assert dispatcher.revoked == []

    def test_a_refused_job_run_again_stays_refused(self, office: Office) -> None:
        job_id = uuid.uuid4()
        first = office.change(Action.REACTIVATE, job_id=job_id)

        assert office.change(Action.REACTIVATE, job_id=job_id) == first
        assert first.reason == "not_deactivated"

    def test_a_client_user_cannot_take_a_practice_action(self, office: Office) -> None:
        owner = office.invite("owner@martin.test")

        result = office.change(Action.DEACTIVATE, by=owner)

        assert (result.status, result.reason) == ("refused", "practice_staff_only")
        assert file_row(office).status is FileStatus.ACTIVE

    def test_staff_of_another_practice_are_told_the_file_does_not_exist(
        self, office: Office
    ) -> None:
        from app.services import admin

        other = admin.create_practice(office.uow, "Cabinet Martin")
        stranger = admin.create_staff_user(office.uow, other, "Paul", "paul@martin-cab.test")

        with pytest.raises(NotFound):
            office.change(Action.DEACTIVATE, by=stranger)
        assert file_row(office).status is FileStatus.ACTIVE
        assert events(office) == []


class TestIdempotence:
    def test_the_same_job_twice_gives_one_change_and_one_event(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        office.queued()
        job_id = uuid.uuid4()

        first = office.change(Action.DEACTIVATE, job_id=job_id)
        revoked = list(dispatcher.revoked)
        second = office.change(Action.DEACTIVATE, job_id=job_id)

        assert second == first
        assert first.counts["documents_skipped"] == 1
        assert len(events(office)) == 1
        assert dispatcher.revoked == revoked

    def test_a_new_job_for_the_same_change_is_refused_with_a_reason(self, office: Office) -> None:
        office.change(Action.DEACTIVATE)

        again = office.change(Action.DEACTIVATE)

        assert (again.status, again.reason) == ("refused", "already_deactivated")
        assert len(events(office)) == 1


class TestReactivate:
    def _deactivated_file_with_history(self, office: Office) -> dict[str, uuid.UUID]:
        """A file whose documents were skipped for several reasons over its life."""
        owner = office.invite("owner@martin.test")
        office.change(Action.DETACH)
        unpaid = office.upload(office.receipt(1), by=owner)
        assert documents.gate(office.uow, unpaid) == "skip"  # no_subscription
        attach_by_request(office.uow, office.file_id, owner, office.staff_id)
        extracted = office.extracted(office.receipt(2))
        queued = office.queued(office.receipt(3))
        office.change(Action.DEACTIVATE)  # skips the queued one
        during = office.upload(office.receipt(4))
        assert documents.gate(office.uow, during) == "skip"
        return {"unpaid": unpaid, "extracted": extracted, "queued": queued, "during": during}

    def test_reprocess_resends_exactly_the_documents_skipped_while_deactivated(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        docs = self._deactivated_file_with_history(office)
        dispatcher.clear()

        result = office.change(Action.REACTIVATE, reprocess_skipped=True)

        assert result.status == "done"
        assert result.counts["documents_resent"] == 2
        resent = {uuid.UUID(m.payload["document_id"]) for m in dispatcher.named(messages.GATE)}
        assert resent == {docs["queued"], docs["during"]}
        assert len(dispatcher.sent) == 2
        for name in ("queued", "during"):
            assert office.status(docs[name]) is DocumentStatus.PENDING
            assert documents.gate(office.uow, docs[name]) == "extract"
        assert office.status(docs["unpaid"]) is DocumentStatus.SKIPPED
        assert office.status(docs["extracted"]) is DocumentStatus.EXTRACTED
        [event] = [e for e in events(office) if e.action == "reactivate"]
        assert event.counts["documents_resent"] == 2

    def test_without_reprocess_nothing_is_resent(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        docs = self._deactivated_file_with_history(office)
        dispatcher.clear()

        result = office.change(Action.REACTIVATE)

        assert result.status == "done"
        assert dispatcher.sent == []
        assert office.status(docs["during"]) is DocumentStatus.SKIPPED
        assert file_row(office).status is FileStatus.ACTIVE
        assert documents.gate(office.uow, office.upload(office.receipt(9))) == "extract"


class TestDetach:
    def test_needs_a_client_user(self, office: Office) -> None:
        result = office.change(Action.DETACH)

        assert (result.status, result.reason) == ("refused", "no_client_user")

    def test_the_practice_loses_the_file_and_the_client_keeps_everything(
        self, office: Office
    ) -> None:
        owner = office.invite("owner@martin.test")
        extracted = office.extracted(office.receipt(1))
        queued = office.queued(office.receipt(2))
        staff = office.actor()

        result = office.change(Action.DETACH)

        assert result.status == "done"
        assert result.counts == {"documents_skipped": 1, "tasks_revoked": 1}
        assert file_row(office) == FileRow(None, Billing.NONE, FileStatus.ACTIVE)
        assert office.status(queued) is DocumentStatus.SKIPPED
        with pytest.raises(NotFound):
            queries.get_file(office.uow, staff, office.file_id)
        with pytest.raises(NotFound):
            queries.list_documents(office.uow, staff, office.file_id)
        with pytest.raises(NotFound):
            queries.get_document(office.uow, staff, extracted)
        with pytest.raises(NotFound):
            queries.available_actions(office.uow, staff, office.file_id)
        assert queries.list_files(office.uow, staff, FileStatus.ACTIVE) == []
        client = office.actor(owner)
        seen = queries.list_documents(office.uow, client, office.file_id)
        assert {view.id for view in seen} == {extracted, queued}
        assert queries.get_document(office.uow, client, extracted).fields is not None
        assert [v.id for v in queries.list_files(office.uow, client, FileStatus.ACTIVE)] == [
            office.file_id
        ]

    def test_a_client_on_its_own_plan_keeps_it(self, office: Office) -> None:
        owner = office.invite("owner@martin.test")
        office.change(Action.DEACTIVATE)
        office.change(Action.SUBSCRIBE, by=owner)

        result = office.change(Action.DETACH)

        assert result.status == "done"
        assert file_row(office) == FileRow(None, Billing.INDIVIDUAL, FileStatus.ACTIVE)
        assert documents.gate(office.uow, office.upload(by=owner)) == "extract"


class TestClientActions:
    def test_subscribe_after_detach_turns_extraction_back_on(self, office: Office) -> None:
        owner = office.invite("owner@martin.test")
        office.change(Action.DETACH)
        assert documents.gate(office.uow, office.upload(office.receipt(1), by=owner)) == "skip"

        result = office.change(Action.SUBSCRIBE, by=owner)

        assert result.status == "done"
        assert file_row(office) == FileRow(None, Billing.INDIVIDUAL, FileStatus.ACTIVE)
        assert documents.gate(office.uow, office.upload(office.receipt(2), by=owner)) == "extract"

    def test_subscribe_to_a_deactivated_file(self, office: Office) -> None:
        owner = office.invite("owner@martin.test")
        office.change(Action.DEACTIVATE)

        result = office.change(Action.SUBSCRIBE, by=owner)

        assert result.status == "done"
        assert file_row(office) == FileRow(
            office.practice_id, Billing.INDIVIDUAL, FileStatus.ACTIVE
        )

    def test_subscribe_is_refused_while_the_practice_pays(self, office: Office) -> None:
        owner = office.invite("owner@martin.test")

        result = office.change(Action.SUBSCRIBE, by=owner)

        assert (result.status, result.reason) == ("refused", "included_by_practice")

    def test_attach_to_another_practice_waits_for_its_acceptance(self, office: Office) -> None:
        from app.services import admin

        owner = office.invite("owner@martin.test")
        office.change(Action.DETACH)
        other = admin.create_practice(office.uow, "Cabinet Leroy")
        other_staff = admin.create_staff_user(office.uow, other, "Anne", "anne@leroy.test")

        asked = attach.ask(
            office.uow,
            client_file_id=office.file_id,
            actor_id=owner,
            practice_email="Anne@Leroy.test",
        )
        assert file_row(office).practice_id is None
        with pytest.raises(NotFound):
            queries.get_file(office.uow, office.actor(other_staff), office.file_id)
        accepted = attach.decide(office.uow, request_id=asked.id, actor_id=other_staff, accept=True)

        assert accepted.status == "accepted"
        assert file_row(office) == FileRow(other, Billing.PRACTICE, FileStatus.ACTIVE)
        listed = queries.list_files(office.uow, office.actor(other_staff), FileStatus.ACTIVE)
        assert [view.id for view in listed] == [office.file_id]
        with pytest.raises(NotFound):
            queries.get_file(office.uow, office.actor(), office.file_id)

    def test_an_address_of_no_practice_reaches_nobody(self, office: Office) -> None:
        owner = office.invite("owner@martin.test")
        office.change(Action.DETACH)

        asked = attach.ask(
            office.uow,
            client_file_id=office.file_id,
            actor_id=owner,
            practice_email="nobody@nowhere.test",
        )

        assert asked.status == "pending"
        assert attach.incoming(office.uow, office.actor()) == []
        assert file_row(office).practice_id is None

    def test_accepted_invitations_make_the_file_undeletable(self, office: Office) -> None:
        office.invite("owner@martin.test")
        office.invite("accountant@martin.test")

        assert queries.get_file(office.uow, office.actor(), office.file_id).client_users == 2
        assert office.change(Action.DELETE).reason == "has_client_users"
        actions = [event.action for event in events(office)]
        assert actions == ["invite_client_user", "accept_invitation"] * 2
        invited, accepted = events(office)[:2]
        assert (invited.to_state["client_users"], invited.to_state["pending_invitations"]) == (0, 1)
        assert (accepted.to_state["client_users"], accepted.to_state["pending_invitations"]) == (
            1,
            0,
        )

    def test_a_client_user_may_invite_a_colleague(self, office: Office) -> None:
        owner = office.invite("owner@martin.test")

        pending = send_invitation(office.uow, office.file_id, owner, "bob@martin.test")

        assert pending.status == "pending"
        assert queries.get_file(office.uow, office.actor(), office.file_id).client_users == 1
        invitations.accept(office.uow, invitation_token(office.uow, "bob@martin.test"))
        assert queries.get_file(office.uow, office.actor(), office.file_id).client_users == 2

    @pytest.mark.parametrize("email", ["", "not-an-address"])
    def test_a_bad_invitation_is_refused_and_writes_nothing(
        self, office: Office, email: str
    ) -> None:
        with pytest.raises(InvalidInput):
            send_invitation(office.uow, office.file_id, office.staff_id, email)

        assert events(office) == []
        assert mails_to(office.uow, email) == []

    def test_a_staff_address_is_invited_like_any_other_but_cannot_accept(
        self, office: Office
    ) -> None:
        send_invitation(office.uow, office.file_id, office.staff_id, "claire@dupont.test")

        with pytest.raises(ActionRefused) as refused:
            invitations.accept(office.uow, invitation_token(office.uow, "claire@dupont.test"))

        assert refused.value.reason == "staff_address"
        assert queries.get_file(office.uow, office.actor(), office.file_id).client_users == 0

    def test_a_new_invitation_replaces_the_pending_one(self, office: Office) -> None:
        send_invitation(office.uow, office.file_id, office.staff_id, "owner@martin.test")
        first = invitation_token(office.uow, "owner@martin.test")
        send_invitation(office.uow, office.file_id, office.staff_id, "Owner@Martin.test")
        second = invitation_token(office.uow, "owner@martin.test")

        with pytest.raises(NotFound):
            invitations.accept(office.uow, first)
        invitations.accept(office.uow, second)

        assert queries.get_file(office.uow, office.actor(), office.file_id).client_users == 1

    def test_someone_already_on_the_file_accepts_without_a_second_access(
        self, office: Office
    ) -> None:
        owner = office.invite("owner@martin.test")

        again = office.invite("owner@martin.test")

        assert again == owner
        assert queries.get_file(office.uow, office.actor(), office.file_id).client_users == 1
