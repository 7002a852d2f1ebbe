"""The rules of people and consent (SPEC §3, invite and attach rows): invitations pending
until accepted, removal by the practice, requests to attach answered by the practice
asked. Expected verdicts are written from the spec, not read from the code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import consent, rules
from app.domain.consent import Invitation, InvitationStatus, RequestStatus
from app.domain.model import Action, Actor, Billing, FileState, FileStatus, Role

PRACTICE = uuid.UUID("00000000-0000-0000-0000-00000000a001")
OTHER = uuid.UUID("00000000-0000-0000-0000-00000000a002")
FILE = uuid.UUID("00000000-0000-0000-0000-00000000f001")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STAFF = Actor(uuid.uuid4(), Role.STAFF, practice_id=PRACTICE)
OTHER_STAFF = Actor(uuid.uuid4(), Role.STAFF, practice_id=OTHER)
CLIENT = Actor(uuid.uuid4(), Role.CLIENT, client_file_ids=frozenset({FILE}))


def _file(
    users: int = 0, pending: int = 0, practice: uuid.UUID | None = PRACTICE, **more: object
) -> FileState:
    billing = Billing.PRACTICE if practice else Billing.NONE
    state = FileState(practice, billing, FileStatus.ACTIVE, users, pending_invitations=pending)
    return state.evolve(**more)


def _pending(ends_in: timedelta = timedelta(days=1)) -> Invitation:
    return Invitation(InvitationStatus.PENDING, NOW + ends_in)


# ---- invitations ------------------------------------------------------------------------


def test_a_pending_invitation_already_blocks_delete() -> None:
    refusal = rules.refusal(Action.DELETE, _file(pending=1), STAFF)

    assert refusal is not None
    assert refusal.reason == "invitation_pending"


def test_detach_needs_an_accepted_client_user_not_an_invitation() -> None:
    pending_only = rules.refusal(Action.DETACH, _file(pending=1), STAFF)
    accepted = rules.refusal(Action.DETACH, _file(users=1), STAFF)

    assert pending_only is not None
    assert pending_only.reason == "invitation_not_accepted"
    assert accepted is None


def test_inviting_gives_nobody_access_until_they_accept() -> None:
    invited = rules.apply(Action.INVITE_CLIENT_USER, _file())

    assert (invited.client_user_count, invited.pending_invitations) == (0, 1)
    joined = consent.accepted(invited, already_a_user=False)
    assert (joined.client_user_count, joined.pending_invitations) == (1, 0)


def test_accepting_as_someone_already_on_the_file_adds_nobody() -> None:
    joined = consent.accepted(_file(users=1, pending=1), already_a_user=True)

    assert (joined.client_user_count, joined.pending_invitations) == (1, 0)


@pytest.mark.parametrize("role", [None, Role.CLIENT])
def test_a_pending_invitation_can_be_accepted_by_a_new_or_a_client_account(
    role: Role | None,
) -> None:
    assert consent.accept_refusal(_pending(), _file(pending=1), NOW, role) is None


def test_a_staff_address_cannot_accept() -> None:
    assert (
        consent.accept_refusal(_pending(), _file(pending=1), NOW, Role.STAFF)
        is consent.STAFF_ADDRESS
    )


@pytest.mark.parametrize(
    ("invitation", "state"),
    [
        (_pending(timedelta(0)), _file(pending=1)),  # expires at this very moment
        (_pending(-timedelta(seconds=1)), _file(pending=1)),
        (Invitation(InvitationStatus.ACCEPTED, NOW + timedelta(days=1)), _file(users=1)),
        (Invitation(InvitationStatus.REVOKED, NOW + timedelta(days=1)), _file()),
        (_pending(), _file(pending=1, status=FileStatus.DELETING)),
    ],
)
def test_every_unusable_invitation_gets_the_same_answer(
    invitation: Invitation, state: FileState
) -> None:
    # Even for a staff address: the code is not valid, which says nothing of the address.
    for role in (None, Role.CLIENT, Role.STAFF):
        assert consent.accept_refusal(invitation, state, NOW, role) is consent.NOT_VALID


@given(ends_in=st.integers(min_value=-10_000, max_value=10_000))
def test_an_invitation_is_pending_exactly_until_it_expires(ends_in: int) -> None:
    invitation = _pending(timedelta(seconds=ends_in))

    status = invitation.at(NOW)

    assert status is (InvitationStatus.PENDING if ends_in > 0 else InvitationStatus.EXPIRED)


def test_only_staff_revoke_and_only_a_pending_invitation() -> None:
    assert consent.revoke_refusal(_pending(), STAFF, NOW) is None
    refused_client = consent.revoke_refusal(_pending(), CLIENT, NOW)
    assert refused_client is not None
    assert refused_client.reason == "practice_staff_only"
    used = Invitation(InvitationStatus.ACCEPTED, NOW + timedelta(days=1))
    refused_used = consent.revoke_refusal(used, STAFF, NOW)
    assert refused_used is not None
    assert refused_used.reason == "invitation_not_pending"


def test_only_staff_remove_a_client_user_and_never_from_a_file_being_deleted() -> None:
    assert consent.remove_user_refusal(_file(users=1), STAFF) is None
    assert consent.remove_user_refusal(_file(users=1), CLIENT) is not None
    deleting = _file(users=1, status=FileStatus.DELETING)
    refusal = consent.remove_user_refusal(deleting, STAFF)
    assert refusal is not None
    assert refusal.reason == "file_being_deleted"


# ---- attach requests --------------------------------------------------------------------


def test_only_the_practice_asked_answers_and_only_while_the_file_is_detached() -> None:
    detached = _file(users=1, practice=None)

    assert consent.decide_refusal(RequestStatus.PENDING, PRACTICE, detached, STAFF) is None
    for actor in (OTHER_STAFF, CLIENT):
        refusal = consent.decide_refusal(RequestStatus.PENDING, PRACTICE, detached, actor)
        assert refusal is not None
    # An address that was no practice's reaches nobody: no staff can ever answer it.
    assert consent.decide_refusal(RequestStatus.PENDING, None, detached, STAFF) is not None
    taken = consent.decide_refusal(
        RequestStatus.PENDING, PRACTICE, _file(users=1, practice=OTHER), STAFF
    )
    assert taken is not None
    assert taken.reason == "already_attached"


@pytest.mark.parametrize(
    "status", [RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN]
)
def test_a_request_is_answered_once(status: RequestStatus) -> None:
    refusal = consent.decide_refusal(status, PRACTICE, _file(users=1, practice=None), STAFF)

    assert refusal is not None
    assert refusal.reason == "request_not_pending"


# ---- walks through people and lifecycle changes -----------------------------------------

Step = tuple[str, bool]
_moves = st.lists(
    st.tuples(
        st.sampled_from(
            [str(action) for action in Action if action is not Action.ATTACH]
            + ["accept", "expire", "remove", "ask_and_accept"]
        ),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(moves=_moves)
def test_people_rules_keep_every_file_with_someone_or_deletable(moves: list[Step]) -> None:
    """Taking only allowed moves from a fresh file: a detached file always has a client
    user who accepted; a deletion never starts while anyone is invited or has access."""
    state = FileState(PRACTICE, Billing.PRACTICE, FileStatus.ACTIVE, client_user_count=0)
    for move, as_staff in moves:
        actor = _actor(state, as_staff)
        before = state
        state = _take(move, state, actor)
        if state == before:
            continue
        if not state.is_attached:
            assert state.client_user_count >= 1
        if state.status is FileStatus.DELETING:
            assert (state.client_user_count, state.pending_invitations) == (0, 0)


def _actor(state: FileState, as_staff: bool) -> Actor:
    if as_staff and state.practice_id is not None:
        return Actor(uuid.uuid4(), Role.STAFF, practice_id=state.practice_id)
    return CLIENT


def _take(move: str, state: FileState, actor: Actor) -> FileState:
    if move == "accept":
        if state.pending_invitations == 0:
            return state
        ok = consent.accept_refusal(_pending(), state, NOW, None) is None
        return consent.accepted(state, already_a_user=False) if ok else state
    if move == "expire":
        return state.evolve(pending_invitations=max(0, state.pending_invitations - 1))
    if move == "remove":
        if state.client_user_count == 0 or consent.remove_user_refusal(state, actor) is not None:
            return state
        return consent.removed(state)
    if move == "ask_and_accept":
        if rules.refusal(Action.ATTACH, state, CLIENT) is not None:
            return state
        staff = Actor(uuid.uuid4(), Role.STAFF, practice_id=OTHER)
        if consent.decide_refusal(RequestStatus.PENDING, OTHER, state, staff) is not None:
            return state
        return rules.apply(Action.ATTACH, state, practice_id=OTHER)
    action = Action(move)
    if rules.refusal(action, state, actor) is not None:
        return state
    return rules.apply(action, state)
