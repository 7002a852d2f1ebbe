"""The rules that time lifts: the reactivation cooldown, the retention hold, and the
cancellation of a deletion during its grace period. Pure: the clock is an argument."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.domain import rules
from app.domain.model import Action, Actor, Billing, FileState, FileStatus, LifecyclePolicy, Role

PRACTICE = uuid.UUID("00000000-0000-0000-0000-00000000a001")
FILE = uuid.UUID("00000000-0000-0000-0000-00000000f001")
STAFF = Actor(uuid.uuid4(), Role.STAFF, practice_id=PRACTICE)
CLIENT = Actor(uuid.uuid4(), Role.CLIENT, client_file_ids=frozenset({FILE}))
DEACTIVATED_AT = datetime(2027, 1, 5, 9, 30, tzinfo=UTC)
FOUR_MONTHS = LifecyclePolicy(reactivation_cooldown=timedelta(days=120))
COOLDOWN_ENDS = DEACTIVATED_AT + timedelta(days=120)


def state(**changes: object) -> FileState:
    base = FileState(PRACTICE, Billing.PRACTICE, FileStatus.ACTIVE, client_user_count=0)
    return base.evolve(**changes)


DEACTIVATED = state(status=FileStatus.DEACTIVATED, deactivated_at=DEACTIVATED_AT)


class TestReactivationCooldown:
    def test_off_by_default_reactivation_is_allowed_at_once(self) -> None:
        assert rules.refusal(Action.REACTIVATE, DEACTIVATED, STAFF, now=DEACTIVATED_AT) is None

    def test_refused_before_it_ends_naming_the_date_it_ends(self) -> None:
        now = COOLDOWN_ENDS - timedelta(seconds=1)

        refusal = rules.refusal(Action.REACTIVATE, DEACTIVATED, STAFF, now=now, policy=FOUR_MONTHS)

        assert refusal is not None
        assert refusal.reason == "reactivation_cooldown"
        assert refusal.until == COOLDOWN_ENDS
        assert "2027-01-05" in refusal.message
        assert "2027-05-05 09:30 UTC" in refusal.message

    def test_allowed_from_the_moment_it_ends(self) -> None:
        refused = rules.refusal(
            Action.REACTIVATE, DEACTIVATED, STAFF, now=COOLDOWN_ENDS, policy=FOUR_MONTHS
        )
        assert refused is None

    def test_without_a_clock_the_cooldown_holds(self) -> None:
        refusal = rules.refusal(Action.REACTIVATE, DEACTIVATED, STAFF, policy=FOUR_MONTHS)
        assert refusal is not None
        assert refusal.reason == "reactivation_cooldown"

    def test_other_rules_come_first(self) -> None:
        active = state(deactivated_at=None)
        refusal = rules.refusal(
            Action.REACTIVATE, active, STAFF, now=DEACTIVATED_AT, policy=FOUR_MONTHS
        )
        assert refusal is not None
        assert refusal.reason == "not_deactivated"

    def test_the_client_may_still_take_its_own_plan(self) -> None:
        refusal = rules.refusal(
            Action.SUBSCRIBE, DEACTIVATED, CLIENT, now=DEACTIVATED_AT, policy=FOUR_MONTHS
        )
        assert refusal is None


HOLD_ENDS = datetime(2030, 1, 1, tzinfo=UTC)
HELD = state(hold_until=HOLD_ENDS, hold_reason="tax audit 2029")


class TestRetentionHold:
    def test_refuses_deletion_until_it_ends_with_the_reason_and_the_date(self) -> None:
        refusal = rules.refusal(Action.DELETE, HELD, STAFF, now=HOLD_ENDS - timedelta(days=1))

        assert refusal is not None
        assert refusal.reason == "retention_hold"
        assert refusal.until == HOLD_ENDS
        assert "tax audit 2029" in refusal.message
        assert "2030-01-01" in refusal.message

    def test_deletion_is_allowed_once_it_has_ended(self) -> None:
        assert rules.refusal(Action.DELETE, HELD, STAFF, now=HOLD_ENDS) is None

    def test_without_a_clock_the_hold_holds(self) -> None:
        refusal = rules.refusal(Action.DELETE, HELD, STAFF)
        assert refusal is not None
        assert refusal.reason == "retention_hold"

    @pytest.mark.parametrize("action", [Action.DEACTIVATE, Action.DETACH])
    def test_it_refuses_nothing_but_deletion(self, action: Action) -> None:
        with_client = HELD.evolve(client_user_count=1)
        assert rules.refusal(action, with_client, STAFF, now=HOLD_ENDS - timedelta(days=1)) is None

    def test_a_file_that_cannot_be_deleted_anyway_says_why_first(self) -> None:
        refusal = rules.refusal(Action.DELETE, HELD.evolve(client_user_count=1), STAFF)
        assert refusal is not None
        assert refusal.reason == "has_client_users"

    def test_only_staff_place_or_release_a_hold_and_never_on_a_file_being_deleted(self) -> None:
        assert rules.hold_refusal(state(), STAFF) is None
        client = rules.hold_refusal(state(), CLIENT)
        deleting = rules.hold_refusal(state(status=FileStatus.DELETING), STAFF)
        assert client is not None
        assert client.reason == "practice_staff_only"
        assert deleting is not None
        assert deleting.reason == "file_being_deleted"


PURGE_AFTER = datetime(2027, 2, 1, tzinfo=UTC)
IN_GRACE = state(status=FileStatus.DELETING, purge_after=PURGE_AFTER)


class TestCancelDeletion:
    def test_allowed_to_staff_during_the_grace_period(self) -> None:
        before = PURGE_AFTER - timedelta(seconds=1)
        assert rules.cancel_deletion_refusal(IN_GRACE, STAFF, before) is None

    @pytest.mark.parametrize(
        ("file_state", "actor", "reason"),
        [
            (IN_GRACE, CLIENT, "practice_staff_only"),
            (state(), STAFF, "not_being_deleted"),
            (state(status=FileStatus.DEACTIVATED), STAFF, "not_being_deleted"),
            (state(status=FileStatus.DELETING), STAFF, "purge_started"),  # no grace at all
        ],
    )
    def test_refused(self, file_state: FileState, actor: Actor, reason: str) -> None:
        refusal = rules.cancel_deletion_refusal(file_state, actor, PURGE_AFTER - timedelta(1))
        assert refusal is not None
        assert refusal.reason == reason

    def test_refused_once_the_grace_period_is_over(self) -> None:
        refusal = rules.cancel_deletion_refusal(IN_GRACE, STAFF, PURGE_AFTER)
        assert refusal is not None
        assert refusal.reason == "purge_started"
