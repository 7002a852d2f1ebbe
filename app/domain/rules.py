"""The rules of the Manage menu: who may take which action, when, and what it changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.model import Action, Actor, Billing, FileState, FileStatus, LifecyclePolicy

STAFF_ACTIONS = frozenset({Action.DETACH, Action.DEACTIVATE, Action.DELETE, Action.REACTIVATE})
CLIENT_ACTIONS = frozenset({Action.SUBSCRIBE, Action.ATTACH})


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an action is not allowed: a stable code and a sentence for the practice."""

    reason: str
    message: str
    until: datetime | None = None  # when a refusal that only time lifts ends


_DELETING = Refusal(
    "file_being_deleted", "This client file is being deleted; nothing else can be done with it."
)
NO_POLICY = LifecyclePolicy()

_STAFF_ONLY = Refusal("practice_staff_only", "Only staff of the practice can do this.")
_CLIENT_ONLY = Refusal("client_user_only", "Only a user of the client's business can do this.")
_INDIVIDUAL = Refusal(
    "individual_billing",
    "This client pays for their own subscription: you can only detach the file.",
)
_NOT_INCLUDED = Refusal(
    "not_in_practice_subscription", "This client file is not included in your subscription."
)


def refusal(
    action: Action,
    state: FileState,
    actor: Actor,
    *,
    now: datetime | None = None,
    policy: LifecyclePolicy = NO_POLICY,
) -> Refusal | None:
    """Return why `actor` may not take `action` at `now`, or None when it is allowed.

    The caller has already checked that the actor can see the file at all. Without `now`,
    rules that only time lifts (cooldown, retention hold) count as still in force.
    """
    if state.status is FileStatus.DELETING:
        return _DELETING
    if action in STAFF_ACTIONS and not actor.is_staff:
        return _STAFF_ONLY
    if action in CLIENT_ACTIONS and actor.is_staff:
        return _CLIENT_ONLY
    return _RULES[action](state) or _timed(action, state, now, policy)


def _timed(
    action: Action, state: FileState, now: datetime | None, policy: LifecyclePolicy
) -> Refusal | None:
    if action is Action.REACTIVATE and policy.reactivation_cooldown and state.deactivated_at:
        return _cooldown(
            state.deactivated_at, state.deactivated_at + policy.reactivation_cooldown, now
        )
    if action is Action.DELETE and state.hold_until is not None:
        return _held(state.hold_until, state.hold_reason, now)
    return None


def _cooldown(deactivated: datetime, ends: datetime, now: datetime | None) -> Refusal | None:
    if now is not None and now >= ends:
        return None
    return Refusal(
        "reactivation_cooldown",
        f"This client file was deactivated on {_day(deactivated)}; it can be reactivated "
        f"from {_moment(ends)}.",
        until=ends,
    )


def _held(until: datetime, reason: str | None, now: datetime | None) -> Refusal | None:
    if now is not None and now >= until:
        return None
    return Refusal(
        "retention_hold",
        f"This client file is under a retention hold until {_moment(until)} "
        f"({reason or 'no reason given'}): it cannot be deleted before then.",
        until=until,
    )


def hold_refusal(state: FileState, actor: Actor) -> Refusal | None:
    """Why `actor` may not place or release a retention hold on the file now."""
    if state.status is FileStatus.DELETING:
        return _DELETING
    if not actor.is_staff:
        return _STAFF_ONLY
    return None


def cancel_deletion_refusal(state: FileState, actor: Actor, now: datetime) -> Refusal | None:
    """A deletion can be cancelled only during its grace period, before the purge starts."""
    if not actor.is_staff:
        return _STAFF_ONLY
    if state.status is not FileStatus.DELETING:
        return Refusal("not_being_deleted", "This client file is not being deleted.")
    if state.purge_after is None or state.purge_after <= now:
        return Refusal(
            "purge_started",
            "The grace period is over and the client file is being removed; the deletion can "
            "no longer be cancelled.",
        )
    return None


def _detach(state: FileState) -> Refusal | None:
    if not state.is_attached:
        return Refusal("not_attached", "This client file is not attached to a practice.")
    if state.client_user_count == 0 and state.pending_invitations > 0:
        return Refusal(
            "invitation_not_accepted",
            "The person invited at the client has not accepted the invitation yet, so "
            "detaching would leave the documents with no one. Detach once they have accepted.",
        )
    if state.client_user_count == 0:
        return Refusal(
            "no_client_user",
            "Nobody at the client has access to this file, so detaching it would leave its "
            "documents with no one. Invite a client user first, or delete the file.",
        )
    return None


def _deactivate(state: FileState) -> Refusal | None:
    if state.billing is Billing.INDIVIDUAL:
        return _INDIVIDUAL
    if state.billing is not Billing.PRACTICE:
        return _NOT_INCLUDED
    if state.status is FileStatus.DEACTIVATED:
        return Refusal("already_deactivated", "This client file is already deactivated.")
    return None


def _delete(state: FileState) -> Refusal | None:
    if state.billing is Billing.INDIVIDUAL:
        return _INDIVIDUAL
    if state.billing is not Billing.PRACTICE:
        return _NOT_INCLUDED
    if state.client_user_count > 0:
        return Refusal(
            "has_client_users",
            f"{_users(state.client_user_count)} of the client can see this file, so it can "
            "no longer be deleted: detach it instead.",
        )
    if state.pending_invitations > 0:
        return Refusal(
            "invitation_pending",
            "Someone at the client has been invited to this file, so it can no longer be "
            "deleted: detach it once they have accepted, or revoke the invitation first.",
        )
    return None


def _reactivate(state: FileState) -> Refusal | None:
    if state.billing is Billing.INDIVIDUAL:
        return _INDIVIDUAL
    if state.status is not FileStatus.DEACTIVATED:
        return Refusal("not_deactivated", "This client file is not deactivated.")
    return None


def _invite(state: FileState) -> Refusal | None:
    return None


def _subscribe(state: FileState) -> Refusal | None:
    if state.billing is Billing.NONE or state.status is FileStatus.DEACTIVATED:
        return None
    if state.billing is Billing.INDIVIDUAL:
        return Refusal("already_subscribed", "This client file already has its own subscription.")
    return Refusal(
        "included_by_practice",
        "Your accountant's subscription already covers this file. You can take your own "
        "once the practice detaches or deactivates it.",
    )


def _attach(state: FileState) -> Refusal | None:
    if state.is_attached:
        return Refusal(
            "already_attached",
            "This client file is already attached to a practice; it must be detached first.",
        )
    return None


_RULES = {
    Action.DETACH: _detach,
    Action.DEACTIVATE: _deactivate,
    Action.DELETE: _delete,
    Action.REACTIVATE: _reactivate,
    Action.INVITE_CLIENT_USER: _invite,
    Action.SUBSCRIBE: _subscribe,
    Action.ATTACH: _attach,
}


def apply(action: Action, state: FileState, *, practice_id: uuid.UUID | None = None) -> FileState:
    """The file's state after an allowed action. `practice_id` is the target of ATTACH."""
    if action is Action.DETACH:
        # The practice stops paying; a client's own plan stays with the file.
        kept = Billing.NONE if state.billing is Billing.PRACTICE else state.billing
        return state.evolve(practice_id=None, billing=kept)
    if action is Action.DEACTIVATE:
        return state.evolve(status=FileStatus.DEACTIVATED)
    if action is Action.DELETE:
        return state.evolve(status=FileStatus.DELETING)
    if action is Action.REACTIVATE:
        return state.evolve(status=FileStatus.ACTIVE)
    if action is Action.INVITE_CLIENT_USER:
        # Access comes only with the acceptance (`consent.accepted`).
        return state.evolve(pending_invitations=state.pending_invitations + 1)
    if action is Action.SUBSCRIBE:
        return state.evolve(billing=Billing.INDIVIDUAL, status=FileStatus.ACTIVE)
    if practice_id is None:
        raise ValueError("attach needs the practice to attach to")
    # A file nobody pays for joins the practice's subscription; a client's own plan stays.
    joined = Billing.PRACTICE if state.billing is Billing.NONE else state.billing
    return state.evolve(practice_id=practice_id, billing=joined)


def _users(count: int) -> str:
    return "1 user" if count == 1 else f"{count} users"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()
