"""How people come to a client file, and leave it: invitations accepted by the person
invited, client users removed by the practice, and a client's request to attach its file
to a practice, accepted or declined by that practice. Pure rules, like `rules`."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.model import Actor, FileState, FileStatus, Role
from app.domain.rules import Refusal


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"  # never stored: a pending invitation past its end


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the file went to another practice, or the client cancelled


@dataclass(frozen=True, slots=True)
class Invitation:
    """What the rules need to know about one invitation."""

    status: InvitationStatus
    expires_at: datetime

    def at(self, now: datetime) -> InvitationStatus:
        """Its status at `now`: a pending invitation ends at its expiry, by itself."""
        if self.status is InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.status


# One answer for every invitation that cannot be used, whatever the reason: the token
# holder learns nothing about the file, the address or who else was invited.
NOT_VALID = Refusal(
    "invitation_not_valid",
    "This invitation is not valid: it may have expired, been used already or been revoked. "
    "Ask the person who invited you to send a new one.",
)
STAFF_ADDRESS = Refusal(
    "staff_address",
    "This address belongs to an account of an accounting practice, which cannot be given "
    "access to a client's file. Ask for an invitation to another address.",
)
_STAFF_ONLY = Refusal("practice_staff_only", "Only staff of the practice can do this.")
_DELETING = Refusal(
    "file_being_deleted", "This client file is being deleted; nothing else can be done with it."
)
_NOT_PENDING = Refusal("invitation_not_pending", "This invitation is no longer pending.")
_REQUEST_NOT_PENDING = Refusal(
    "request_not_pending", "This request has already been answered or withdrawn."
)
_NOT_REQUESTER = Refusal("not_requester", "Only the person who asked can cancel this request.")
_NOW_ATTACHED = Refusal(
    "already_attached",
    "This client file has been attached to a practice since the request was made.",
)


def accept_refusal(
    invitation: Invitation, state: FileState, now: datetime, existing_role: Role | None
) -> Refusal | None:
    """Why the invitation cannot be accepted now; `existing_role` is the role of the
    account already holding the invited address, if there is one."""
    if invitation.at(now) is not InvitationStatus.PENDING:
        return NOT_VALID
    if state.status is FileStatus.DELETING:
        return NOT_VALID
    if existing_role is Role.STAFF:
        return STAFF_ADDRESS
    return None


def accepted(state: FileState, *, already_a_user: bool) -> FileState:
    """The file's state once one pending invitation was accepted."""
    users = state.client_user_count + (0 if already_a_user else 1)
    return state.evolve(
        pending_invitations=max(0, state.pending_invitations - 1), client_user_count=users
    )


def revoke_refusal(invitation: Invitation, actor: Actor, now: datetime) -> Refusal | None:
    """Practice staff revoke an invitation still pending (an expired one needs nothing)."""
    if not actor.is_staff:
        return _STAFF_ONLY
    if invitation.at(now) is not InvitationStatus.PENDING:
        return _NOT_PENDING
    return None


def remove_user_refusal(state: FileState, actor: Actor) -> Refusal | None:
    """Practice staff take a client user's access away; the rules of §3 then follow the
    new count (a file left with no client user can be deleted again, not detached)."""
    if state.status is FileStatus.DELETING:
        return _DELETING
    if not actor.is_staff:
        return _STAFF_ONLY
    return None


def removed(state: FileState) -> FileState:
    return state.evolve(client_user_count=max(0, state.client_user_count - 1))


def decide_refusal(
    status: RequestStatus, target: uuid.UUID | None, state: FileState, actor: Actor
) -> Refusal | None:
    """Why `actor` may not accept (or decline) a request to attach the file to `target`.

    Only staff of the practice asked may answer; the file must still be detached when
    the answer comes, since another practice may have accepted in between."""
    if not actor.is_staff or target is None or actor.practice_id != target:
        return _STAFF_ONLY
    if status is not RequestStatus.PENDING:
        return _REQUEST_NOT_PENDING
    if state.status is FileStatus.DELETING:
        return _DELETING
    if state.is_attached:
        return _NOW_ATTACHED
    return None


def cancel_refusal(
    status: RequestStatus, requested_by: uuid.UUID, state: FileState, actor: Actor
) -> Refusal | None:
    """Why `actor` may not cancel a request to attach the file: only its asker may, while
    no practice has answered it."""
    if actor.is_staff or actor.user_id != requested_by:
        return _NOT_REQUESTER
    if status is not RequestStatus.PENDING:
        return _REQUEST_NOT_PENDING
    if state.status is FileStatus.DELETING:
        return _DELETING
    return None
