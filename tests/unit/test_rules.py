"""The Manage-menu rules of SPEC §3, checked against every combination of file state and
actor. The expected verdicts are written here from the spec's table, not from the code."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import rules
from app.domain.model import Action, Actor, Billing, FileState, FileStatus, Role

PRACTICE = uuid.UUID("00000000-0000-0000-0000-00000000a001")
OTHER_PRACTICE = uuid.UUID("00000000-0000-0000-0000-00000000a002")
FILE = uuid.UUID("00000000-0000-0000-0000-00000000f001")

STAFF_ONLY = {Action.DETACH, Action.DEACTIVATE, Action.DELETE, Action.REACTIVATE}
CLIENT_ONLY = {Action.SUBSCRIBE, Action.ATTACH}


@dataclass(frozen=True)
class Case:
    action: Action
    status: FileStatus
    billing: Billing
    attached: bool
    client_users: int
    role: Role
    pending: int = 0  # invitations sent, not yet accepted

    @property
    def state(self) -> FileState:
        return FileState(
            practice_id=PRACTICE if self.attached else None,
            billing=self.billing,
            status=self.status,
            client_user_count=self.client_users,
            pending_invitations=self.pending,
        )

    @property
    def actor(self) -> Actor:
        if self.role is Role.STAFF:
            return Actor(uuid.uuid4(), Role.STAFF, practice_id=PRACTICE)
        return Actor(uuid.uuid4(), Role.CLIENT, client_file_ids=frozenset({FILE}))

    def __str__(self) -> str:
        attached = "attached" if self.attached else "detached"
        return (
            f"{self.action}-{self.status}-{self.billing}-{attached}"
            f"-{self.client_users}users-{self.pending}pending-{self.role}"
        )


CASES = [
    Case(*combination)
    for combination in itertools.product(
        Action, FileStatus, Billing, (True, False), (0, 1, 3), Role, (0, 2)
    )
]


def expected_violations(case: Case) -> set[str]:
    """Every SPEC §3 condition the case breaks, as the reason code that names it.

    An empty set means the action is allowed. The implementation may report any one of
    the broken conditions, so the order in which it checks them is left free.
    """
    broken: set[str] = set()
    staff = case.role is Role.STAFF
    # A deletion in progress is irreversible: the file accepts nothing else.
    if case.status is FileStatus.DELETING:
        broken.add("file_being_deleted")
    if case.action in STAFF_ONLY and not staff:
        broken.add("practice_staff_only")
    if case.action in CLIENT_ONLY and staff:
        broken.add("client_user_only")
    # "A file with billing = individual offers its practice detach only": read as the
    # practice's own lifecycle actions (the seed's Manage menu), not the shared invite.
    if case.action in STAFF_ONLY - {Action.DETACH} and case.billing is Billing.INDIVIDUAL:
        broken.add("individual_billing")
    broken |= _table_row(case)
    return broken


def _table_row(case: Case) -> set[str]:
    """The 'allowed when' column of the table, one action at a time."""
    broken: set[str] = set()
    included = case.billing is Billing.PRACTICE
    not_included = (
        "individual_billing"
        if case.billing is Billing.INDIVIDUAL
        else ("not_in_practice_subscription")
    )
    if case.action is Action.DETACH:
        if not case.attached:
            broken.add("not_attached")
        # Detach needs someone who *accepted*; a pending invitation is not enough.
        if case.client_users == 0:
            broken.add("invitation_not_accepted" if case.pending else "no_client_user")
    elif case.action is Action.DEACTIVATE:
        if not included:
            broken.add(not_included)
        if case.status is FileStatus.DEACTIVATED:
            broken.add("already_deactivated")
    elif case.action is Action.DELETE:
        if not included:
            broken.add(not_included)
        if case.client_users > 0:
            broken.add("has_client_users")
        # "From the invitation on, the file can no longer be deleted."
        if case.pending > 0:
            broken.add("invitation_pending")
    elif case.action is Action.REACTIVATE:
        if case.status is not FileStatus.DEACTIVATED:
            broken.add("not_deactivated")
    elif case.action is Action.SUBSCRIBE:
        if case.billing is not Billing.NONE and case.status is not FileStatus.DEACTIVATED:
            broken.add(
                "already_subscribed"
                if case.billing is Billing.INDIVIDUAL
                else "included_by_practice"
            )
    elif case.action is Action.ATTACH and case.attached:
        broken.add("already_attached")
    return broken


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_allows_exactly_what_the_spec_allows(case: Case) -> None:
    refusal = rules.refusal(case.action, case.state, case.actor)
    broken = expected_violations(case)

    if not broken:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.reason in broken


def _is_sentence(text: str) -> bool:
    return (
        len(text.split()) >= 4
        and (text[0].isupper() or text[0].isdigit())
        and text.rstrip().endswith(".")
    )


@pytest.mark.parametrize("case", [c for c in CASES if expected_violations(c)], ids=str)
def test_every_refusal_explains_itself_in_a_sentence(case: Case) -> None:
    refusal = rules.refusal(case.action, case.state, case.actor)

    assert refusal is not None
    assert _is_sentence(refusal.message), refusal.message
    assert refusal.reason.isidentifier()
    assert refusal.reason.islower()


def test_the_table_covers_every_action_and_combination() -> None:
    # 7 actions x 3 statuses x 3 billings x attached or not x 0/1/3 users x 2 roles
    # x with or without pending invitations.
    assert len(CASES) == len(Action) * 3 * 3 * 2 * 3 * 2 * 2
    assert {case.action for case in CASES} == set(Action)


@pytest.mark.parametrize("users", [1, 3])
def test_delete_refusal_counts_the_client_users(users: int) -> None:
    state = FileState(PRACTICE, Billing.PRACTICE, FileStatus.ACTIVE, users)
    staff = Actor(uuid.uuid4(), Role.STAFF, practice_id=PRACTICE)

    refusal = rules.refusal(Action.DELETE, state, staff)

    assert refusal is not None
    assert f"{users} user" in refusal.message


@pytest.mark.parametrize("status", [FileStatus.ACTIVE, FileStatus.DEACTIVATED])
def test_individual_billing_offers_the_practice_detach_only(status: FileStatus) -> None:
    state = FileState(PRACTICE, Billing.INDIVIDUAL, status, client_user_count=1)
    staff = Actor(uuid.uuid4(), Role.STAFF, practice_id=PRACTICE)

    offered = {action for action in STAFF_ONLY if rules.refusal(action, state, staff) is None}

    assert offered == {Action.DETACH}


def _state(
    billing: Billing = Billing.PRACTICE,
    status: FileStatus = FileStatus.ACTIVE,
    practice_id: uuid.UUID | None = PRACTICE,
    users: int = 1,
) -> FileState:
    return FileState(practice_id, billing, status, users)


def test_detach_clears_the_practice_and_ends_practice_billing() -> None:
    after = rules.apply(Action.DETACH, _state(Billing.PRACTICE))

    assert after.practice_id is None
    assert after.billing is Billing.NONE
    assert after.status is FileStatus.ACTIVE
    assert after.client_user_count == 1


def test_detach_keeps_the_clients_own_plan() -> None:
    after = rules.apply(Action.DETACH, _state(Billing.INDIVIDUAL))

    assert after.practice_id is None
    assert after.billing is Billing.INDIVIDUAL


def test_detach_keeps_a_deactivated_file_deactivated() -> None:
    after = rules.apply(Action.DETACH, _state(status=FileStatus.DEACTIVATED))

    assert after.status is FileStatus.DEACTIVATED


@pytest.mark.parametrize(
    ("billing", "status"),
    [
        (Billing.NONE, FileStatus.ACTIVE),
        (Billing.NONE, FileStatus.DEACTIVATED),
        (Billing.PRACTICE, FileStatus.DEACTIVATED),
    ],
)
def test_subscribe_gives_an_active_file_on_the_clients_plan(
    billing: Billing, status: FileStatus
) -> None:
    after = rules.apply(Action.SUBSCRIBE, _state(billing, status, practice_id=None))

    assert (after.billing, after.status) == (Billing.INDIVIDUAL, FileStatus.ACTIVE)


def test_attach_of_an_unpaid_file_joins_the_practice_subscription() -> None:
    before = _state(Billing.NONE, practice_id=None)

    after = rules.apply(Action.ATTACH, before, practice_id=OTHER_PRACTICE)

    assert after.practice_id == OTHER_PRACTICE
    assert after.billing is Billing.PRACTICE


def test_attach_keeps_the_clients_own_plan() -> None:
    before = _state(Billing.INDIVIDUAL, practice_id=None)

    after = rules.apply(Action.ATTACH, before, practice_id=OTHER_PRACTICE)

    assert (after.practice_id, after.billing) == (OTHER_PRACTICE, Billing.INDIVIDUAL)


def test_attach_needs_a_target_practice() -> None:
    with pytest.raises(ValueError, match="practice"):
        rules.apply(Action.ATTACH, _state(Billing.NONE, practice_id=None))


def test_invite_adds_a_pending_invitation_not_a_user() -> None:
    after = rules.apply(Action.INVITE_CLIENT_USER, _state(users=3))

    assert (after.client_user_count, after.pending_invitations) == (3, 1)


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        (Action.DELETE, FileStatus.ACTIVE, FileStatus.DELETING),
        (Action.DELETE, FileStatus.DEACTIVATED, FileStatus.DELETING),
        (Action.DEACTIVATE, FileStatus.ACTIVE, FileStatus.DEACTIVATED),
        (Action.REACTIVATE, FileStatus.DEACTIVATED, FileStatus.ACTIVE),
    ],
)
def test_status_changes(action: Action, before: FileStatus, after: FileStatus) -> None:
    state = _state(status=before, users=0)

    changed = rules.apply(action, state)

    assert changed.status is after
    assert changed.evolve(status=before) == state  # nothing else moved


# Walks through the lifecycle, taking only allowed actions, from a freshly created file.
_steps = st.lists(
    st.tuples(st.sampled_from(list(Action)), st.sampled_from(list(Role)), st.booleans()),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(steps=_steps)
def test_allowed_actions_only_reach_coherent_states(
    steps: list[tuple[Action, Role, bool]],
) -> None:
    state = FileState(PRACTICE, Billing.PRACTICE, FileStatus.ACTIVE, client_user_count=0)
    for action, role, other_practice in steps:
        if role is Role.STAFF and state.practice_id is None:
            continue  # no practice can see a detached file
        actor = (
            Actor(uuid.uuid4(), Role.STAFF, practice_id=state.practice_id)
            if role is Role.STAFF
            else Actor(uuid.uuid4(), Role.CLIENT, client_file_ids=frozenset({FILE}))
        )
        if rules.refusal(action, state, actor) is not None:
            continue
        target = OTHER_PRACTICE if other_practice else PRACTICE
        state = rules.apply(action, state, practice_id=target)

        # Someone pays for every attached file, and a detached one is never on the
        # practice's plan.
        assert (state.billing is Billing.PRACTICE) <= state.is_attached
        assert (state.billing is Billing.NONE) <= (not state.is_attached)
        # Only the practice deactivates, and only files on its plan.
        assert (state.status is FileStatus.DEACTIVATED) <= (state.billing is not Billing.INDIVIDUAL)
        # A file with client users, or anyone invited to it, can never be deleted.
        if state.status is FileStatus.DELETING:
            assert state.client_user_count == 0
            assert state.pending_invitations == 0
            assert not any(rules.refusal(other, state, actor) is None for other in Action)
