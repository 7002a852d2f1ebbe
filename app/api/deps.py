"""What every request needs: the runtime and the caller, resolved from a bearer token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.errors import Unauthenticated
from app.api.ratelimit import Limiter, NoLimits, address_key, token_key
from app.bootstrap import Runtime
from app.domain.model import Actor
from app.persistence.uow import UnitOfWork
from app.services import tokens
from app.services.admission import RateCounter


@dataclass(frozen=True)
class ApiContext:
    runtime: Runtime
    # Raises when the broker cannot be reached; the readiness probe calls it.
    broker_check: Callable[[], None]
    # Counts uploads per practice for the rate limit (None: no limit is counted).
    rate_counter: RateCounter | None = None
    limiter: Limiter = field(default_factory=NoLimits)
    # Messages waiting per broker queue, for `/metrics` (None: not reported).
    queue_depths: Callable[[], dict[str, int]] | None = None

    def uow(self) -> UnitOfWork:
        return self.runtime.uow()


async def context(request: Request) -> ApiContext:
    # `async`, though it awaits nothing: FastAPI runs a plain `def` dependency in a worker
    # thread, a hand-off that costs more than the dependency itself.
    ctx: ApiContext = request.app.state.context
    return ctx


bearer = HTTPBearer(auto_error=False, description="An API token: `dossier admin token`.")


def caller_keys(request: Request, credentials: HTTPAuthorizationCredentials | None) -> list[str]:
    """What rate limits count by: the client address and, when one was sent, the token."""
    keys = [address_key(request.client.host if request.client else None)]
    return keys + ([token_key(credentials.credentials)] if credentials else [])


def authenticate(
    request: Request,
    ctx: ApiContext,
    credentials: HTTPAuthorizationCredentials | None,
    resolve: Callable[[str], Actor | None],
    *,
    counting: str | None = None,
) -> Actor:
    """The caller, found by `resolve` from the bearer token (None: not a valid token).
    With `counting`, a caller that sent a token is also counted under that rate limit
    (or refused over it) before the lookup, in the same round trip to Redis."""
    keys = caller_keys(request, credentials)
    if credentials is None or credentials.scheme.lower() != "bearer":
        ctx.limiter.refuse_if_blocked("failed_auth", keys)
        ctx.limiter.hit("failed_auth", keys)
        raise Unauthenticated("Send an API token as 'Authorization: Bearer <token>'.")
    # An address or token that failed too often is refused before any lookup.
    if counting is None:
        ctx.limiter.refuse_if_blocked("failed_auth", keys)
    else:
        ctx.limiter.let_in(keys, unless="failed_auth", counting=counting)
    actor = resolve(credentials.credentials)
    if actor is None:
        ctx.limiter.hit("failed_auth", keys)
        raise Unauthenticated("This API token is not valid.")
    request.state.rate_keys = keys
    return actor


def current_actor(
    request: Request,
    ctx: Annotated[ApiContext, Depends(context)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    return authenticate(
        request, ctx, credentials, lambda secret: tokens.actor_for(ctx.uow(), secret)
    )


Context = Annotated[ApiContext, Depends(context)]
Caller = Annotated[Actor, Depends(current_actor)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
