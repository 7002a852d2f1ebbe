"""A practice's own webhook endpoints, their delivery log and redelivery."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.api.deps import Caller, Context
from app.api.idempotency import REPLAYED_HEADERS, Keyed, answer
from app.api.schemas import UNAUTHENTICATED, Body, ErrorOut
from app.services import practice_webhooks

router = APIRouter(prefix="/v1", tags=["webhooks"], responses=UNAUTHENTICATED)

STAFF: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "Practice staff (admins to add or remove) only."},
    404: {"model": ErrorOut, "description": "No such endpoint of the practice."},
}


class EndpointIn(Body):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="https only; the host must resolve to public addresses.",
    )
    event_types: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list,
        max_length=50,
        description="Event types to receive, e.g. `client_file.detach`; empty: all.",
    )


class EndpointOut(BaseModel):
    id: uuid.UUID
    url: str
    event_types: list[str]
    created_by: uuid.UUID
    created_at: datetime


class RegisteredOut(EndpointOut):
    secret: str = Field(description="Key of the HMAC signature; shown this once.")


class EndpointListOut(BaseModel):
    items: list[EndpointOut]


class DeliveryOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    status: str = Field(description="pending, delivered or failed.")
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None


class DeliveryListOut(BaseModel):
    items: list[DeliveryOut]


@router.post("/webhooks", status_code=201, response_model=RegisteredOut, responses=STAFF)
def register(body: EndpointIn, ctx: Context, actor: Caller) -> RegisteredOut:
    """Register an endpoint for the practice's lifecycle events. Practice admins only."""
    registered = practice_webhooks.register(
        ctx.uow(),
        actor,
        body.url,
        body.event_types,
        allow_private=ctx.runtime.settings.webhook_allow_private,
    )
    fields = EndpointOut.model_validate(registered.endpoint, from_attributes=True)
    return RegisteredOut(**fields.model_dump(), secret=registered.secret)


@router.get("/webhooks", response_model=EndpointListOut, responses=STAFF)
def list_endpoints(ctx: Context, actor: Caller) -> EndpointListOut:
    views = practice_webhooks.list_endpoints(ctx.uow(), actor)
    return EndpointListOut(
        items=[EndpointOut.model_validate(v, from_attributes=True) for v in views]
    )


@router.delete("/webhooks/{endpoint_id}", status_code=204, responses=STAFF)
def remove(endpoint_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> Response:
    """Remove an endpoint; its pending deliveries are given up. Practice admins only."""
    ran = practice_webhooks.remove_once(ctx.uow(), keyed.claim(), actor, endpoint_id)
    return Response(status_code=204, headers=REPLAYED_HEADERS if ran.replayed else None)


@router.get("/webhooks/{endpoint_id}/deliveries", response_model=DeliveryListOut, responses=STAFF)
def deliveries(
    endpoint_id: uuid.UUID,
    ctx: Context,
    actor: Caller,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DeliveryListOut:
    """The endpoint's delivery log, newest first."""
    views = practice_webhooks.deliveries(ctx.uow(), actor, endpoint_id, limit=limit, offset=offset)
    return DeliveryListOut(
        items=[DeliveryOut.model_validate(v, from_attributes=True) for v in views]
    )


@router.post(
    "/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryOut,
    responses=STAFF,
)
def redeliver(
    endpoint_id: uuid.UUID, delivery_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Post the delivery's event again, as a new delivery, at the next delivery run. With
    an `Idempotency-Key`, sent again it is one new delivery."""
    ran = practice_webhooks.redeliver_once(
        ctx.uow(), keyed.claim(), actor, endpoint_id, delivery_id
    )
    again = DeliveryOut.model_validate(ran.value, from_attributes=True)
    return answer(again, 202, replayed=ran.replayed)
