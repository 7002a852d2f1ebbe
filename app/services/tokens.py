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
) -> IssuedToken:
    """A token for `user_id`; without `expires_at` it never expires (operator tokens)."""
    name = _checked_name(name)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        if uow.users.get(user_id) is None:
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
    return issue(uow, actor.user_id, name, expires_at=expiry)


def list_own(uow: UnitOfWork, actor: Actor) -> list[TokenView]:
    with uow:
        return [
            TokenView(t.id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at)
            for t in uow.tokens.of_user(actor.user_id)
        ]


def revoke(uow: UnitOfWork, token_id: uuid.UUID, *, owner: Actor | None = None) -> None:
    """Revoke a token: any (operator), or only one of `owner`'s own."""
    with uow:
        user_id = owner.user_id if owner is not None else None
        if uow.tokens.revoke(token_id, user_id=user_id) == 0:
            raise NotFound("No such active token.", token_id=token_id)
        uow.commit()


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
