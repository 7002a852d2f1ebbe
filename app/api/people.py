"""People: the practice's staff (managed by its admins) and each user's own API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool

from app.api.deps import Caller, Context
from app.api.idempotency import REPLAYED_HEADERS, Keyed, KeyedRequest, answer
from app.api.schemas import UNAUTHENTICATED, Body, Email, ErrorOut, Instant, Name
from app.domain.people import StaffChange
from app.services import staff, tokens

router = APIRouter(prefix="/v1", tags=["people"], responses=UNAUTHENTICATED)

ADMINS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "Only an admin of the practice can do this."},
    404: {"model": ErrorOut, "description": "No such member of the practice's staff."},
}


class StaffOut(BaseModel):
    id: uuid.UUID
    name: str
    email: str
    is_admin: bool
    disabled_at: datetime | None = Field(description="Set while the person may not sign in.")
    created_at: datetime


class StaffListOut(BaseModel):
    items: list[StaffOut]


class StaffIn(Body):
    name: Name
    email: Email
    is_admin: StrictBool = False


class TokenOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str | None = Field(description="The secret's first characters; never the secret.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="Within a minute.")


class TokenListOut(BaseModel):
    items: list[TokenOut]


class IssuedTokenOut(TokenOut):
    secret: str = Field(description="Shown this once: Dossier keeps only its hash.")


class AddedStaffOut(BaseModel):
    member: StaffOut
    first_token: IssuedTokenOut = Field(
        description="For the new member's first sign-in; it expires. Hand it over safely."
    )


class TokenIn(Body):
    name: Name
    expires_at: Instant | None = Field(
        default=None, description="When it stops working (default: DOSSIER_TOKEN_DEFAULT_DAYS)."
    )


def _issued(issued: tokens.IssuedToken) -> IssuedTokenOut:
    assert issued.created_at is not None
    return IssuedTokenOut(
        id=issued.token_id,
        name=issued.name,
        prefix=issued.prefix,
        created_at=issued.created_at,
        expires_at=issued.expires_at,
        last_used_at=None,
        secret=issued.secret,
    )


@router.get("/staff", response_model=StaffListOut, responses={403: ADMINS[403]})
def list_staff(ctx: Context, actor: Caller) -> StaffListOut:
    """The practice's staff, disabled members included. Practice staff only."""
    members = staff.list_staff(ctx.uow(), actor)
    return StaffListOut(items=[StaffOut.model_validate(m, from_attributes=True) for m in members])


@router.post("/staff", status_code=201, response_model=AddedStaffOut, responses=ADMINS)
def add_staff(body: StaffIn, ctx: Context, actor: Caller) -> AddedStaffOut:
    """Add a member to the practice's staff. Practice admins only."""
    added = staff.add(
        ctx.uow(),
        actor,
        name=body.name,
        email=body.email,
        is_admin=body.is_admin,
        lifetime=tokens.Lifetime.from_settings(ctx.runtime.settings),
    )
    return AddedStaffOut(
        member=StaffOut.model_validate(added.member, from_attributes=True),
        first_token=_issued(added.token),
    )


def _change(
    ctx: Context, actor: Caller, keyed: KeyedRequest, user_id: uuid.UUID, what: StaffChange
) -> JSONResponse:
    ran = staff.change_once(ctx.uow(), keyed.claim(), actor, user_id, what)
    changed = StaffOut.model_validate(ran.value, from_attributes=True)
    return answer(changed, 200, replayed=ran.replayed)


@router.delete("/staff/{user_id}", response_model=StaffOut, responses=ADMINS)
def remove_staff(user_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    """Remove a member: they leave the practice and every token of theirs is revoked."""
    return _change(ctx, actor, keyed, user_id, StaffChange.REMOVE)


@router.post("/staff/{user_id}/disable", response_model=StaffOut, responses=ADMINS)
def disable_staff(user_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    """Disable a member: their tokens stop working at once, until they are enabled."""
    return _change(ctx, actor, keyed, user_id, StaffChange.DISABLE)


@router.post("/staff/{user_id}/enable", response_model=StaffOut, responses=ADMINS)
def enable_staff(user_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    return _change(ctx, actor, keyed, user_id, StaffChange.ENABLE)


@router.get("/tokens", response_model=TokenListOut)
def list_tokens(ctx: Context, actor: Caller) -> TokenListOut:
    """The caller's tokens that are not revoked, newest first; never their secrets."""
    views = tokens.list_own(ctx.uow(), actor)
    return TokenListOut(items=[TokenOut.model_validate(v, from_attributes=True) for v in views])


@router.post("/tokens", status_code=201, response_model=IssuedTokenOut)
def create_token(body: TokenIn, ctx: Context, actor: Caller) -> IssuedTokenOut:
    """A new token of the caller's own, with an expiry; its secret is shown this once."""
    issued = tokens.issue_personal(
        ctx.uow(),
        actor,
        body.name,
        expires_at=body.expires_at,
        lifetime=tokens.Lifetime.from_settings(ctx.runtime.settings),
    )
    return _issued(issued)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    responses={404: {"model": ErrorOut, "description": "No such token of yours."}},
)
def revoke_token(token_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> Response:
    """Revoke one of the caller's tokens; it stops working at once."""
    ran = tokens.revoke_once(ctx.uow(), keyed.claim(), token_id, owner=actor)
    return Response(status_code=204, headers=REPLAYED_HEADERS if ran.replayed else None)
