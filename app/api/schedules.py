"""Scheduled lifecycle actions of a client file: schedule, list, cancel."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool

from app.api.deps import Caller, Context
from app.api.files import NOT_FOUND
from app.api.idempotency import Keyed, answer
from app.api.lifecycle import ACCEPTED
from app.api.schemas import UNAUTHENTICATED, Body, Instant
from app.domain.model import Action
from app.services import idempotency, keyed_jobs, schedules

router = APIRouter(prefix="/v1", tags=["scheduled actions"], responses=UNAUTHENTICATED)


class ScheduleIn(Body):
    action: Literal["deactivate", "reactivate", "detach", "delete"]
    run_at: Instant = Field(description="When to run it; in the future.")
    reprocess_skipped: StrictBool | None = Field(
        default=None, description="Reactivate only: send the documents skipped meanwhile again."
    )


class ScheduleOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    params: dict[str, Any]
    run_at: datetime
    status: str = Field(description="scheduled, running, done, refused, failed or cancelled.")
    reason: str | None = Field(description="Why it was refused or failed.")
    message: str | None
    job_id: uuid.UUID = Field(description="The lifecycle job it runs as.")
    attempts: int
    actor_id: uuid.UUID
    created_at: datetime
    finished_at: datetime | None


class ScheduleListOut(BaseModel):
    items: list[ScheduleOut]


def _out(view: schedules.ScheduleView) -> ScheduleOut:
    return ScheduleOut.model_validate(view, from_attributes=True)


@router.post(
    "/client-files/{client_file_id}/schedules",
    status_code=201,
    response_model=ScheduleOut,
    responses=ACCEPTED,
)
def create_schedule(
    client_file_id: uuid.UUID, body: ScheduleIn, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Schedule a lifecycle change for later. Practice staff only. The rules are checked
    when it comes due; a change no longer allowed then is recorded as refused. With an
    `Idempotency-Key`, the same request sent again is one schedule, the first answer."""
    params = {} if body.reprocess_skipped is None else {"reprocess_skipped": body.reprocess_skipped}
    claim = keyed.claim(body.model_dump_json())

    def work() -> dict[str, Any]:
        recorded = schedules.schedule(
            ctx.uow(),
            client_file_id=client_file_id,
            actor_id=actor.user_id,
            action=Action(body.action),
            run_at=body.run_at,
            params=params,
            # Scheduling twice under one id records once: the key names the schedule.
            schedule_id=keyed_jobs.job_id_for(claim) if claim else None,
        )
        return _out(recorded).model_dump(mode="json")

    first, replayed = idempotency.once(ctx.uow(), claim, work)
    return answer(ScheduleOut.model_validate(first), 201, replayed=replayed)


@router.get(
    "/client-files/{client_file_id}/schedules",
    response_model=ScheduleListOut,
    responses=NOT_FOUND,
)
def list_schedules(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> ScheduleListOut:
    """The file's scheduled actions, soonest first, with the outcome of those that ran."""
    views = schedules.list_for_file(ctx.uow(), actor=actor, client_file_id=client_file_id)
    return ScheduleListOut(items=[_out(item) for item in views])


@router.delete(
    "/client-files/{client_file_id}/schedules/{schedule_id}",
    response_model=ScheduleOut,
    responses=ACCEPTED,
)
def cancel_schedule(
    client_file_id: uuid.UUID, schedule_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Cancel a scheduled action that has not run yet. Practice staff only."""
    ran = schedules.cancel_once(ctx.uow(), keyed.claim(), actor, client_file_id, schedule_id)
    return answer(_out(ran.value), 200, replayed=ran.replayed)
