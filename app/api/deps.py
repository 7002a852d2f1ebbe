"""What every request needs: the runtime and the caller, resolved from a bearer token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.errors import Unauthenticated
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

    def uow(self) -> UnitOfWork:
        return self.runtime.uow()


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.context
    return ctx


bearer = HTTPBearer(auto_error=False, description="An API token: `dossier admin token`.")


def current_actor(
    ctx: Annotated[ApiContext, Depends(context)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("Send an API token as 'Authorization: Bearer <token>'.")
    actor = tokens.actor_for(ctx.uow(), credentials.credentials)
    if actor is None:
        raise Unauthenticated("This API token is not valid.")
    return actor


Context = Annotated[ApiContext, Depends(context)]
Caller = Annotated[Actor, Depends(current_actor)]
