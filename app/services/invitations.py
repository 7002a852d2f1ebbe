"""People of the client's business: invited by e-mail, given access only when they accept
with the invitation's single-use token, removed by the practice.

Nothing here tells the inviter whether the address is known to Dossier, or to whom it
belongs: an invitation to anyone is written and answered the same way, and no account is
created or bound before the person holding the mail accepts."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.domain import consent, notices, text
from app.domain.consent import Invitation, InvitationStatus
from app.domain.model import Action, Actor, Role
from app.errors import InvalidInput, NotFound
from app.persistence.auth import token_hash
from app.persistence.consent import InvitationRow, Invitations, client_users, remove_client_user
from app.persistence.models import User
from app.persistence.uow import UnitOfWork
from app.services import idempotency, lifecycle, mail, tokens
from app.services.access import made_by_ours, practice_filter, visible_file
from app.services.idempotency import Answered, KeyClaim

TOKEN_PREFIX = "inv_"
ACCEPTED, REVOKED, REMOVED = "accept_invitation", "revoke_invitation", "remove_client_user"


@dataclass(frozen=True, slots=True)
class InvitationView:
    id: uuid.UUID
    client_file_id: uuid.UUID
    email: str
    status: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClientUserView:
    user_id: uuid.UUID
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Welcome:
    """What the person accepting gets: their account and their own API token."""

    user_id: uuid.UUID
    client_file_id: uuid.UUID
    token: tokens.IssuedToken


@dataclass(frozen=True, slots=True)
class Invite:
    """What an invitation is asked with."""

    client_file_id: uuid.UUID
    actor_id: uuid.UUID
    email: str
    name: str | None
    ttl: timedelta
    accept_url: str
    open_url: str | None = None  # the console's page for the code, if any


def invite(
    uow: UnitOfWork,
    *,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    email: str,
    name: str | None = None,
    ttl: timedelta,
    accept_url: str,
    open_url: str | None = None,
) -> InvitationView:
    """Write a pending invitation and its mail; a pending one to the same address is
    replaced. The file can no longer be deleted from now on (SPEC §3)."""
    invitation = Invite(client_file_id, actor_id, email, name, ttl, accept_url, open_url)
    return invite_once(uow, None, invitation).value


def invite_once(
    uow: UnitOfWork, claim: KeyClaim | None, invitation: Invite
) -> Answered[InvitationView]:
    """`invite`, once per idempotency key: sent again, one invitation and one mail."""
    email, name = _address(invitation.email, invitation.name)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)

    def work() -> InvitationView:
        return _invite(uow, replace(invitation, email=email, name=name), secret)

    return idempotency.answered(uow, claim, InvitationView, work)


def _invite(uow: UnitOfWork, invitation: Invite, secret: str) -> InvitationView:
    client_file, state, actor = lifecycle.authorise(
        uow, invitation.client_file_id, invitation.actor_id, Action.INVITE_CLIENT_USER
    )
    now = uow.clock()
    invitations = Invitations(uow.session)
    invitations.replace_pending(client_file.id, invitation.email, by=actor.user_id)
    row = invitations.add(
        InvitationRow(
            id=uuid.uuid4(),
            client_file_id=client_file.id,
            email=invitation.email,
            name=invitation.name,
            token_hash=token_hash(secret),
            status=InvitationStatus.PENDING.value,
            invited_by=actor.user_id,
            created_at=now,
            expires_at=now + invitation.ttl,
        )
    )
    inviter = uow.users.get(actor.user_id)
    letter = notices.invitation(
        client_file.name,
        inviter.name if inviter else "Dossier",
        secret,
        invitation.accept_url,
        row.expires_at,
        invitation.open_url,
    )
    mail.queue(uow, "invitation", invitation.email, letter)
    params = {"invitation_id": str(row.id)}
    counts = {"invitations_sent": 1}
    lifecycle.record(
        uow,
        uuid.uuid4(),
        client_file,
        state,
        actor.user_id,
        Action.INVITE_CLIENT_USER,
        params,
        counts,
    )
    return _view(row, now)


def accept(uow: UnitOfWork, secret: str) -> Welcome:
    """Give the invited person access, creating their client account if they have none,
    and issue them an API token. Any token that cannot be used gets one same answer."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise _not_valid()
    with uow:
        found = Invitations(uow.session).by_token(token_hash(secret))
        if found is None:
            raise _not_valid()
        # The file's lock first, as every change takes it; then the invitation as it is
        # now (another acceptance of the same token may just have committed).
        client_file = uow.files.lock(found.client_file_id)
        uow.session.refresh(found, with_for_update=True)
        if client_file is None:
            raise _not_valid()
        state = uow.files.state(client_file)
        user = uow.users.by_email(found.email)
        now = uow.clock()
        refusal = consent.accept_refusal(
            _rules_view(found), state, now, user.role if user is not None else None
        )
        if refusal is consent.NOT_VALID:
            raise _not_valid()
        lifecycle.refuse(refusal, client_file.id)
        user = _account(uow, found, user)
        if not uow.files.has_client_user(client_file.id, user.id):
            uow.files.add_client_user(client_file.id, user.id, by=found.invited_by)
        found.status, found.accepted_at = InvitationStatus.ACCEPTED.value, now
        params = {"invitation_id": str(found.id)}
        lifecycle.record(uow, uuid.uuid4(), client_file, state, user.id, ACCEPTED, params, {})
        uow.commit()
        user_id, file_id = user.id, client_file.id
    # Its own transaction, with the service every token comes from. Should it fail, the
    # person has access already and a new invitation gives them a token.
    return Welcome(user_id, file_id, tokens.issue(uow, user_id, name="invitation", by=user_id))


def status_of(uow: UnitOfWork, secret: str) -> InvitationStatus | None:
    """What became of the invitation a code belongs to (expired, accepted, revoked),
    told to the person holding the code once accepting it failed: the code proves they
    had the mail. None for a code that is no invitation's."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    with uow:
        found = Invitations(uow.session).by_token(token_hash(secret))
        return _rules_view(found).at(uow.clock()) if found is not None else None


def revoke(uow: UnitOfWork, invitation_id: uuid.UUID, actor_id: uuid.UUID) -> InvitationView:
    return revoke_once(uow, None, invitation_id, actor_id).value


def revoke_once(
    uow: UnitOfWork, claim: KeyClaim | None, invitation_id: uuid.UUID, actor_id: uuid.UUID
) -> Answered[InvitationView]:
    return idempotency.answered(
        uow, claim, InvitationView, lambda: _revoke(uow, invitation_id, actor_id)
    )


def _revoke(uow: UnitOfWork, invitation_id: uuid.UUID, actor_id: uuid.UUID) -> InvitationView:
    found = Invitations(uow.session).get(invitation_id)
    if found is None:
        raise NotFound("No such invitation.", invitation_id=invitation_id)
    try:
        client_file, actor = lifecycle.locate(uow, found.client_file_id, actor_id)
    except NotFound:
        raise NotFound("No such invitation.", invitation_id=invitation_id) from None
    if not made_by_ours(uow, actor, found.invited_by):
        raise NotFound("No such invitation.", invitation_id=invitation_id)
    uow.session.refresh(found, with_for_update=True)
    now = uow.clock()
    state = uow.files.state(client_file)
    lifecycle.refuse(consent.revoke_refusal(_rules_view(found), actor, now), client_file.id)
    found.status = InvitationStatus.REVOKED.value
    found.revoked_at, found.revoked_by = now, actor.user_id
    params = {"invitation_id": str(found.id)}
    counts = {"invitations_revoked": 1}
    lifecycle.record(uow, uuid.uuid4(), client_file, state, actor.user_id, REVOKED, params, counts)
    return _view(found, now)


def remove_user(
    uow: UnitOfWork, *, client_file_id: uuid.UUID, user_id: uuid.UUID, actor_id: uuid.UUID
) -> lifecycle.JobResult:
    """Practice staff take a client user's access to the file away, at once."""
    return remove_user_once(uow, None, client_file_id, user_id, actor_id).value


def remove_user_once(
    uow: UnitOfWork,
    claim: KeyClaim | None,
    client_file_id: uuid.UUID,
    user_id: uuid.UUID,
    actor_id: uuid.UUID,
) -> Answered[lifecycle.JobResult]:
    def work() -> lifecycle.JobResult:
        return _remove_user(uow, client_file_id, user_id, actor_id)

    return idempotency.answered(uow, claim, lifecycle.JobResult, work)


def _remove_user(
    uow: UnitOfWork, client_file_id: uuid.UUID, user_id: uuid.UUID, actor_id: uuid.UUID
) -> lifecycle.JobResult:
    client_file, actor = lifecycle.locate(uow, client_file_id, actor_id)
    state = uow.files.state(client_file)
    lifecycle.refuse(consent.remove_user_refusal(state, actor), client_file.id)
    if not remove_client_user(uow.session, client_file.id, user_id):
        raise NotFound("No such client user of this file.", user_id=user_id)
    job_id, counts = uuid.uuid4(), {"client_users_removed": 1}
    params = {"user_id": str(user_id)}
    lifecycle.record(uow, job_id, client_file, state, actor.user_id, REMOVED, params, counts)
    return lifecycle.JobResult(job_id, client_file.id, REMOVED, lifecycle.DONE, counts)


def list_invitations(
    uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID
) -> list[InvitationView]:
    with uow:
        visible_file(uow, actor, client_file_id)
        now = uow.clock()
        found = Invitations(uow.session).for_file(
            client_file_id, practice_id=practice_filter(actor)
        )
        return [_view(row, now) for row in found]


def list_users(uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID) -> list[ClientUserView]:
    with uow:
        visible_file(uow, actor, client_file_id)
        return [
            ClientUserView(user.id, user.name, user.email)
            for user in client_users(uow.session, client_file_id)
        ]


def _account(uow: UnitOfWork, invitation: InvitationRow, user: User | None) -> User:
    """The invited address's account, created as a client account only now."""
    if user is None:
        name = invitation.name or invitation.email[:200]
        user, _ = uow.users.add_unless_present(
            User(id=uuid.uuid4(), name=name, email=invitation.email, role=Role.CLIENT)
        )
    if user.role is not Role.CLIENT:
        # Made a staff account a moment ago, by another request.
        lifecycle.refuse(consent.STAFF_ADDRESS, invitation.client_file_id)
    return user


def _address(email: str, name: str | None) -> tuple[str, str | None]:
    try:
        address = text.checked_email(email)
        return address, text.checked(name, max_length=200, what="The name") if name else None
    except text.TextError as problem:
        raise InvalidInput(str(problem)) from None


def _not_valid() -> NotFound:
    return NotFound(consent.NOT_VALID.message)


def _rules_view(row: InvitationRow) -> Invitation:
    return Invitation(InvitationStatus(row.status), row.expires_at)


def _view(row: InvitationRow, now: datetime) -> InvitationView:
    return InvitationView(
        row.id,
        row.client_file_id,
        row.email,
        str(_rules_view(row).at(now)),
        row.created_at,
        row.expires_at,
        row.accepted_at,
    )
