"""API tokens: issued to a user once (only the hash is kept), resolved to an actor,
listed by their prefix and last use, given an expiry, revoked."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.config import Settings
from app.domain import people
from app.domain.model import Actor, Role
from app.domain.people import TOKEN_PREFIX
from app.errors import InvalidInput, NotFound
from app.persistence.auth import ApiToken, ApiTokens, TokenOwner, token_hash
from app.persistence.uow import UnitOfWork
from app.services import idempotency, practice_events
from app.services.idempotency import Answered, KeyClaim


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token_id: uuid.UUID
    user_id: uuid.UUID
    secret: str  # shown once; Dossier cannot show it again
    name: str = "api"
    prefix: str = ""
    created_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TokenView:
    """What a token list shows: never the secret."""

    id: uuid.UUID
    name: str
    prefix: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class Lifetime:
    """How long personal tokens live: `default` when none is asked for, at most `longest`."""

    default: timedelta = timedelta(days=90)
    longest: timedelta = timedelta(days=366)

    @classmethod
    def from_settings(cls, settings: Settings) -> Lifetime:
        return cls(
            timedelta(days=settings.token_default_days), timedelta(days=settings.token_max_days)
        )


def issue(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    name: str = "api",
    *,
    expires_at: datetime | None = None,
    by: uuid.UUID | None = None,
) -> IssuedToken:
    """A token for `user_id`; without `expires_at` it never expires (operator tokens).
    `by` is who asked for it (None: the operator), for the practice's log."""
    name = _checked_name(name)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        owner = uow.users.get(user_id)
        if owner is None:
            raise NotFound("No such user.", user_id=user_id)
        token = uow.tokens.add(
            ApiToken(
                id=uuid.uuid4(),
                user_id=user_id,
                name=name,
                token_hash=token_hash(secret),
                prefix=people.shown_prefix(secret),
                created_at=uow.clock(),
                expires_at=expires_at,
            )
        )
        practice_events.record(
            uow,
            practice_events.TOKEN_CREATED,
            practice_id=owner.practice_id,
            actor_id=by,
            user_id=user_id,
            token_id=token.id,
            details={"name": name, "expires_at": expires_at.isoformat() if expires_at else None},
        )
        uow.commit()
        return IssuedToken(
            token.id, user_id, secret, name, token.prefix or "", token.created_at, expires_at
        )


def issue_personal(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    *,
    expires_at: datetime | None = None,
    lifetime: Lifetime | None = None,
) -> IssuedToken:
    """A new token of the caller's own, always with an expiry."""
    lifetime = lifetime or Lifetime()
    try:
        expiry = people.token_expiry(
            uow.clock(), expires_at, default=lifetime.default, longest=lifetime.longest
        )
    except people.ExpiryError as problem:
        raise InvalidInput(str(problem)) from None
    return issue(uow, actor.user_id, name, expires_at=expiry, by=actor.user_id)


def list_own(uow: UnitOfWork, actor: Actor) -> list[TokenView]:
    with uow:
        return [
            TokenView(t.id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at)
            for t in uow.tokens.of_user(actor.user_id)
        ]


def revoke(uow: UnitOfWork, token_id: uuid.UUID, *, owner: Actor | None = None) -> None:
    """Revoke a token: any (operator), or only one of `owner`'s own."""
    revoke_once(uow, None, token_id, owner=owner)


def revoke_once(
    uow: UnitOfWork, claim: KeyClaim | None, token_id: uuid.UUID, *, owner: Actor | None = None
) -> Answered[None]:
    """`revoke`, once per idempotency key: sent again, the first answer, not a 404."""
    return idempotency.answered(uow, claim, type(None), lambda: _revoke(uow, token_id, owner))


def _revoke(uow: UnitOfWork, token_id: uuid.UUID, owner: Actor | None) -> None:
    user_id = owner.user_id if owner is not None else None
    if uow.tokens.revoke(token_id, user_id=user_id) == 0:
        raise NotFound("No such active token.", token_id=token_id)
    token = uow.tokens.get(token_id)
    holder = uow.users.get(token.user_id) if token is not None else None
    practice_events.record(
        uow,
        practice_events.TOKEN_REVOKED,
        practice_id=holder.practice_id if holder is not None else None,
        actor_id=user_id,
        user_id=holder.id if holder is not None else None,
        token_id=token_id,
        details={"name": token.name if token is not None else None},
    )


@dataclass(frozen=True, slots=True)
class SignIn:
    """Who signed in to the console, and with what: a session lasts only as long as the
    token it was opened with (revoking the token ends it). Other ways in (an e-mail link)
    open a session with no token."""

    user_id: uuid.UUID
    token_id: uuid.UUID | None


def sign_in(uow: UnitOfWork, secret: str) -> SignIn | None:
    """A console sign-in with a personal token; None when `actor_for` would refuse it."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = uow.clock()
    with uow:
        owner = ApiTokens(uow.session).owner_for(token_hash(secret), now)
        return SignIn(owner.user_id, owner.token_id) if owner is not None else None


def session_actor(uow: UnitOfWork, signed_in: SignIn) -> Actor | None:
    """The actor of a console session, with the files they may see right now; None once
    the token it was opened with is revoked or expired, or its user disabled."""
    now = uow.clock()
    with uow:
        if signed_in.token_id is None:
            # Opened by an e-mail link: it lasts while its user is not disabled.
            user = uow.users.get(signed_in.user_id)
            if user is None or user.disabled_at is not None:
                return None
            return uow.users.actor(signed_in.user_id)
        owner = ApiTokens(uow.session).owner_of(signed_in.token_id, signed_in.user_id, now)
        return _actor(uow, owner) if owner is not None else None


def actor_for(uow: UnitOfWork, secret: str) -> Actor | None:
    """The user a bearer token stands for, with the files they may see right now; None
    when the token is unknown, revoked or expired, or its user disabled."""
    if not well_formed(secret):
        return None
    with uow:
        return actor_in(uow, secret)


def well_formed(secret: str) -> bool:
    return secret.startswith(TOKEN_PREFIX) and len(secret) <= 200


def actor_in(uow: UnitOfWork, secret: str) -> Actor | None:
    """`actor_for` inside a unit of work the caller has open (it commits the token's last
    use, at most once a minute). Read on every request, never cached: a revoked or
    expired token, or a disabled user, is refused from the next request on."""
    if not well_formed(secret):
        return None
    now = uow.clock()
    repository = uow.tokens
    owner = repository.owner_for(token_hash(secret), now)
    if owner is None:
        return None
    if people.last_use_is_stale(owner.last_used_at, now):
        repository.mark_used(owner.token_id, now)
        uow.commit()
    return _actor(uow, owner)


def _actor(uow: UnitOfWork, owner: TokenOwner) -> Actor:
    file_ids = (
        uow.users.client_file_ids(owner.user_id)
        if owner.role is Role.CLIENT
        else frozenset[uuid.UUID]()
    )
    return Actor(owner.user_id, owner.role, owner.practice_id, file_ids, owner.is_admin)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("A token name must have between 1 and 100 characters.")
    return name
