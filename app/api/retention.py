"""Retention holds and the cancellation of a deletion during its grace period."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.api.deps import Caller, Context
from app.api.files import NOT_FOUND
from app.api.idempotency import Keyed, answer
from app.api.lifecycle import ACCEPTED
from app.api.schemas import UNAUTHENTICATED, Body, Instant, JobOut, Reason
from app.services import grace, holds

router = APIRouter(prefix="/v1", tags=["retention"], responses=UNAUTHENTICATED)


class HoldIn(Body):
    reason: Reason = Field(description="Why the file is held.")
    until: Instant = Field(description="When the hold ends.")


class HoldOut(BaseModel):
    client_file_id: uuid.UUID
    reason: str | None
    until: datetime | None
    active: bool = Field(description="True while the hold refuses the file's deletion.")


def _out(view: holds.HoldView) -> HoldOut:
    return HoldOut.model_validate(view, from_attributes=True)


@router.get(
    "/client-files/{client_file_id}/retention-hold", response_model=HoldOut, responses=NOT_FOUND
)
def get_hold(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> HoldOut:
    """The file's retention hold, if any."""
    return _out(holds.show(ctx.uow(), client_file_id=client_file_id, actor=actor))


@router.put(
    "/client-files/{client_file_id}/retention-hold", response_model=HoldOut, responses=ACCEPTED
)
def place_hold(
    client_file_id: uuid.UUID, body: HoldIn, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Refuse the file's deletion until `until`. Practice staff only."""
    claim = keyed.claim(body.model_dump_json())
    ran = holds.place_once(ctx.uow(), claim, client_file_id, actor.user_id, body.reason, body.until)
    return answer(_out(ran.value), 200, replayed=ran.replayed)


@router.delete(
    "/client-files/{client_file_id}/retention-hold", response_model=HoldOut, responses=ACCEPTED
)
def release_hold(
    client_file_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Lift the hold before its end. Practice staff only."""
    ran = holds.release_once(ctx.uow(), keyed.claim(), client_file_id, actor.user_id)
    return answer(_out(ran.value), 200, replayed=ran.replayed)


@router.post(
    "/client-files/{client_file_id}/cancel-deletion", response_model=JobOut, responses=ACCEPTED
)
def cancel_deletion(
    client_file_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Give back a deleted file during its grace period, as it was. Practice staff only.
    With an `Idempotency-Key`, sent again it gets the first answer."""
    ran = grace.cancel_deletion_once(
        ctx.uow(), keyed.claim(), client_file_id=client_file_id, actor_id=actor.user_id
    )
    result = ran.value
    job = JobOut(
        id=result.job_id,
        client_file_id=client_file_id,
        action=result.action,
        status=result.status,
        reason=result.reason,
        message=result.message,
        counts=result.counts,
    )
    return answer(job, 200, replayed=ran.replayed)
