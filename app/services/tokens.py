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


def actor_for(uow: UnitOfWork, secret: str) -> Actor | None:
    """The user a bearer token stands for, with the files they may see right now."""
    if not well_formed(secret):
        return None
    with uow:
        return actor_in(uow, secret)


def well_formed(secret: str) -> bool:
    return secret.startswith(TOKEN_PREFIX) and len(secret) <= 200


def actor_in(uow: UnitOfWork, secret: str) -> Actor | None:
    """`actor_for` inside a unit of work the caller has open. Read from the database on
    every request, never cached: a revoked token is refused from the next request on."""
    if not well_formed(secret):
        return None
    user = ApiTokens(uow.session).user_for(token_hash(secret))
    return uow.users.actor_of(user) if user is not None else None
