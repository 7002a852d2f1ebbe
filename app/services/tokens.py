"""API tokens: issued to a user once (only the hash is kept), resolved to an actor."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from app.domain.model import Actor
from app.errors import InvalidInput, NotFound
from app.persistence.auth import ApiToken, ApiTokens, token_hash
from app.persistence.uow import UnitOfWork

TOKEN_PREFIX = "dos_"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token_id: uuid.UUID
    user_id: uuid.UUID
    secret: str  # shown once; Dossier cannot show it again


def issue(uow: UnitOfWork, user_id: uuid.UUID, name: str = "api") -> IssuedToken:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("A token name must have between 1 and 100 characters.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        if uow.users.get(user_id) is None:
            raise NotFound("No such user.", user_id=user_id)
        token = ApiTokens(uow.session).add(
            ApiToken(id=uuid.uuid4(), user_id=user_id, name=name, token_hash=token_hash(secret))
        )
        uow.commit()
        return IssuedToken(token.id, user_id, secret)


def revoke(uow: UnitOfWork, token_id: uuid.UUID) -> None:
    with uow:
        if ApiTokens(uow.session).revoke(token_id) == 0:
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
    """A console sign-in with a personal token; None when the token is not valid."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    with uow:
        token = ApiTokens(uow.session).active_for(token_hash(secret))
        return SignIn(token.user_id, token.id) if token is not None else None


def session_actor(uow: UnitOfWork, signed_in: SignIn) -> Actor | None:
    """The actor of a console session, with the files they may see right now; None once
    the user or the token it was opened with is gone."""
    with uow:
        if signed_in.token_id is not None and not ApiTokens(uow.session).is_active(
            signed_in.token_id, signed_in.user_id
        ):
            return None
        return uow.users.actor(signed_in.user_id)


def actor_for(uow: UnitOfWork, secret: str) -> Actor | None:
    """The user a bearer token stands for, with the files they may see right now."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    with uow:
        user_id = ApiTokens(uow.session).user_id_for(token_hash(secret))
        return uow.users.actor(user_id) if user_id is not None else None
