"""The `Idempotency-Key` header: whose key it is (the API token's), and the claim a
request makes with it once its body is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel

from app.api.deps import ApiContext, Context, bearer
from app.persistence.auth import token_hash
from app.persistence.idempotency import IdempotencyKeys
from app.persistence.uow import UnitOfWork
from app.services import idempotency
from app.services.idempotency import HEADER, KeyClaim

# Set on an answer given again for a key, as payment APIs do.
REPLAYED = "Idempotent-Replayed"
REPLAYED_HEADERS = {REPLAYED: "true"}


def answer(body: BaseModel, status_code: int, *, replayed: bool) -> JSONResponse:
    """The answer, marked when it is the first answer to its key given again."""
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=status_code,
        headers=REPLAYED_HEADERS if replayed else None,
    )


@dataclass(frozen=True, slots=True)
class KeyedRequest:
    owner: str
    key: str | None
    method: str
    path: str
    retention: timedelta

    def claim(self, *body: str) -> KeyClaim | None:
        """None without a key; a malformed key is a 422 (checked only after the caller
        is authenticated)."""
        if self.key is None:
            return None
        return KeyClaim(
            self.owner,
            idempotency.checked_key(self.key),
            idempotency.fingerprint(self.method, self.path, *body),
            self.retention,
        )

    def known(self, uow: UnitOfWork) -> bool:
        """Whether a request with this key was accepted and is still remembered
        (whatever its body: the request itself is compared once read)."""
        if self.key is None:
            return False
        with uow:
            record = IdempotencyKeys(uow.session).find(self.owner, self.key)
            return record is not None and record.expires_at > uow.clock()


KeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        description="Any unique string (a UUID): the same request sent again with it "
        "gets the first answer instead of a second effect, for "
        "DOSSIER_IDEMPOTENCY_RETENTION_HOURS. Another request with it is a 422.",
    ),
]
BearerToken = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _keyed(
    request: Request,
    ctx: ApiContext,
    credentials: HTTPAuthorizationCredentials | None,
    idempotency_key: str | None,
) -> KeyedRequest:
    # Keys belong to the token that sent them: another token's key is another key.
    owner = "token:" + (token_hash(credentials.credentials) if credentials else "")
    retention = timedelta(hours=ctx.runtime.settings.idempotency_retention_hours)
    # `request.url.path` without building the whole URL (host, query) on every request.
    path = request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    return KeyedRequest(owner, idempotency_key, request.method, path, retention)


async def keyed_request(  # async, awaiting nothing: no worker thread for it (deps.context)
    request: Request, ctx: Context, credentials: BearerToken, idempotency_key: KeyHeader = None
) -> KeyedRequest:
    return _keyed(request, ctx, credentials, idempotency_key)


Keyed = Annotated[KeyedRequest, Depends(keyed_request)]


@dataclass(frozen=True, slots=True)
class KeyedCall:
    """The context, the bearer token and the keyed request in one dependency: FastAPI
    solves each dependency of a request apart (about 50 us apiece on an upload)."""

    ctx: ApiContext
    credentials: HTTPAuthorizationCredentials | None
    keyed: KeyedRequest


async def keyed_call(
    request: Request, ctx: Context, credentials: BearerToken, idempotency_key: KeyHeader = None
) -> KeyedCall:
    return KeyedCall(ctx, credentials, _keyed(request, ctx, credentials, idempotency_key))


KeyedCaller = Annotated[KeyedCall, Depends(keyed_call)]
