"""The audit trail: a client file's lifecycle events, every event the caller may read,
and the practice's own log of its people and tokens (admins)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.deps import Caller, Context
from app.api.files import NOT_FOUND
from app.api.schemas import ACTION_PATTERN, UNAUTHENTICATED, ErrorOut, Instant
from app.domain.audit import EventFilter
from app.services import audit, practice_events

router = APIRouter(prefix="/v1", tags=["audit"], responses=UNAUTHENTICATED)

Action = Annotated[
    str | None,
    Query(pattern=ACTION_PATTERN, description="Only this action, e.g. `detach`."),
]
ActorId = Annotated[uuid.UUID | None, Query(description="Only events of this user.")]
Since = Annotated[Instant | None, Query(description="From this time on (inclusive).")]
Until = Annotated[Instant | None, Query(description="Before this time.")]
CursorParam = Annotated[
    str | None,
    Query(max_length=200, description="`next_cursor` of the previous page."),
]
Limit = Annotated[int, Query(ge=1, le=audit.MAX_PAGE)]


class EventOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None
    practice_id: uuid.UUID | None = Field(description="The file's practice before the change.")
    to_practice_id: uuid.UUID | None = Field(description="Its practice after the change.")
    from_state: dict[str, Any] = Field(serialization_alias="from")
    to_state: dict[str, Any] = Field(serialization_alias="to")
    counts: dict[str, Any]
    job_id: uuid.UUID | None
    created_at: datetime


class EventPageOut(BaseModel):
    items: list[EventOut]
    next_cursor: str | None = Field(
        description="Pass it as `cursor` for the next page; null on the last page for now."
    )


def _page(page: audit.EventPage) -> EventPageOut:
    return EventPageOut(
        items=[EventOut.model_validate(item, from_attributes=True) for item in page.items],
        next_cursor=page.next_cursor,
    )


def _filter(
    action: Action = None,
    actor_id: ActorId = None,
    since: Since = None,
    until: Until = None,
) -> EventFilter:
    return EventFilter(None, action, actor_id, since, until)


Wanted = Annotated[EventFilter, Depends(_filter)]


@router.get(
    "/client-files/{client_file_id}/events",
    response_model=EventPageOut,
    response_model_by_alias=True,
    responses=NOT_FOUND,
)
def file_events(
    client_file_id: uuid.UUID,
    ctx: Context,
    actor: Caller,
    wanted: Wanted,
    cursor: CursorParam = None,
    limit: Limit = 100,
) -> EventPageOut:
    """The file's lifecycle events the caller may read, oldest first: practice staff those
    of the time the file was attached to their practice (also once it is deleted), client
    users all of their file's."""
    page = audit.file_events(ctx.uow(), actor, client_file_id, wanted, cursor=cursor, limit=limit)
    return _page(page)


@router.get("/events", response_model=EventPageOut, response_model_by_alias=True)
def list_events(
    ctx: Context,
    actor: Caller,
    wanted: Wanted,
    client_file_id: Annotated[uuid.UUID | None, Query(description="Only this file's.")] = None,
    cursor: CursorParam = None,
    limit: Limit = 100,
) -> EventPageOut:
    """Every lifecycle event the caller may read, oldest first, in pages: for practice
    staff, the practice's; for client users, their files'."""
    wanted = replace(wanted, client_file_id=client_file_id)
    return _page(audit.events(ctx.uow(), actor, wanted, cursor=cursor, limit=limit))


class PracticeEventOut(BaseModel):
    id: uuid.UUID
    action: str = Field(
        description="staff_added, staff_removed, staff_disabled, staff_enabled, "
        "token_created or token_revoked."
    )
    actor_id: uuid.UUID | None = Field(description="Who did it; null for the operator.")
    user_id: uuid.UUID | None = Field(description="The member changed, or the token's owner.")
    token_id: uuid.UUID | None
    details: dict[str, Any] = Field(description="Names and flags; never a secret.")
    created_at: datetime


class PracticeEventPageOut(BaseModel):
    items: list[PracticeEventOut]
    next_cursor: str | None


@router.get(
    "/practice-events",
    response_model=PracticeEventPageOut,
    responses={403: {"model": ErrorOut, "description": "Practice admins only."}},
)
def list_practice_events(
    ctx: Context,
    actor: Caller,
    wanted: Wanted,
    cursor: CursorParam = None,
    limit: Limit = 100,
) -> PracticeEventPageOut:
    """The practice's log of its people, oldest first, in pages: staff added, removed,
    disabled and enabled, API tokens created and revoked (by whom, and whose). Practice
    admins only. These belong to no client file, so `GET /v1/events` does not list them."""
    page = practice_events.events(ctx.uow(), actor, wanted, cursor=cursor, limit=limit)
    return PracticeEventPageOut(
        items=[PracticeEventOut.model_validate(item, from_attributes=True) for item in page.items],
        next_cursor=page.next_cursor,
    )
