"""The Manage menu's actions and the lifecycle jobs they start.

Practice-side changes (deactivate, reactivate, detach, delete) are checked here, then run
by a worker; the 202 carries the job id to follow. Client-side ones run at once."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.api.deps import ApiContext, Caller, Context
from app.api.errors import ServiceUnavailable
from app.api.files import NOT_FOUND
from app.api.schemas import (
    UNAUTHENTICATED,
    AttachIn,
    ErrorOut,
    InviteIn,
    JobOut,
    JobPageOut,
    ReactivateIn,
)
from app.domain.model import Action, Actor
from app.services import browse, requests

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["lifecycle"], responses=UNAUTHENTICATED)

ACCEPTED: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"model": ErrorOut, "description": "Refused; the reason says why. Nothing changed."},
}


def dispatch(
    ctx: ApiContext,
    actor: Actor,
    client_file_id: uuid.UUID,
    action: Action,
    params: dict[str, Any] | None = None,
) -> JobOut:
    requested = requests.request(
        ctx.uow(),
        client_file_id=client_file_id,
        actor_id=actor.user_id,
        action=action,
        params=params,
    )
    message = requested.message
    try:
        ctx.runtime.dispatcher.send([message])
    except Exception:
        log.exception("could not send %s for client file %s", message.name, client_file_id)
        requests.withdraw(ctx.uow(), message.task_id)
        raise ServiceUnavailable(
            "The job queue cannot be reached; nothing was changed. Try again shortly.",
            client_file_id=client_file_id,
        ) from None
    return JobOut(
        id=message.task_id,
        client_file_id=client_file_id,
        action=str(action),
        status="pending",
        created_at=requested.created_at,
    )


def run_now(
    ctx: ApiContext,
    actor: Actor,
    client_file_id: uuid.UUID,
    action: Action,
    params: dict[str, Any],
) -> JobOut:
    result = requests.run_now(
        ctx.uow(),
        client_file_id=client_file_id,
        actor_id=actor.user_id,
        action=action,
        params=params,
    )
    return JobOut(
        id=result.job_id,
        client_file_id=client_file_id,
        action=result.action,
        status=result.status,
        counts=result.counts,
    )


@router.post(
    "/client-files/{client_file_id}/deactivate",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def deactivate(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> JobOut:
    """Suspend extraction; queued documents are skipped. Practice staff only."""
    return dispatch(ctx, actor, client_file_id, Action.DEACTIVATE)


@router.post(
    "/client-files/{client_file_id}/reactivate",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def reactivate(
    client_file_id: uuid.UUID, ctx: Context, actor: Caller, body: ReactivateIn | None = None
) -> JobOut:
    """Extraction works again; optionally re-send the documents skipped meanwhile."""
    params = {"reprocess_skipped": bool(body and body.reprocess_skipped)}
    return dispatch(ctx, actor, client_file_id, Action.REACTIVATE, params)


@router.post(
    "/client-files/{client_file_id}/detach",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def detach(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> JobOut:
    """The file leaves the practice; its client users keep it."""
    return dispatch(ctx, actor, client_file_id, Action.DETACH)


@router.post(
    "/client-files/{client_file_id}/delete",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def delete(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> JobOut:
    """Remove every row and blob of the file, irreversibly. Only the audit remains."""
    return dispatch(ctx, actor, client_file_id, Action.DELETE)


@router.post(
    "/client-files/{client_file_id}/subscribe",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def subscribe(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> JobOut:
    """The client takes its own plan for the file. Client users only."""
    return run_now(ctx, actor, client_file_id, Action.SUBSCRIBE, {})


@router.post(
    "/client-files/{client_file_id}/attach",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def attach(client_file_id: uuid.UUID, body: AttachIn, ctx: Context, actor: Caller) -> JobOut:
    """Attach a detached file to a practice. Client users only."""
    params = {"practice_id": str(body.practice_id)}
    return run_now(ctx, actor, client_file_id, Action.ATTACH, params)


@router.post(
    "/client-files/{client_file_id}/users",
    status_code=201,
    response_model=JobOut,
    responses=ACCEPTED,
)
def invite(client_file_id: uuid.UUID, body: InviteIn, ctx: Context, actor: Caller) -> JobOut:
    """Give a person of the client's business access. The file can then only be detached."""
    params = {"email": body.email, "name": body.name}
    return run_now(ctx, actor, client_file_id, Action.INVITE_CLIENT_USER, params)


@router.get("/client-files/{client_file_id}/jobs", response_model=JobPageOut, responses=NOT_FOUND)
def list_jobs(
    client_file_id: uuid.UUID,
    ctx: Context,
    actor: Caller,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JobPageOut:
    """The file's lifecycle jobs (retries and resends included), newest first. Practice
    staff never see the jobs of a practice the file was attached to before."""
    page = browse.job_page(ctx.uow(), actor, client_file_id, limit=limit, offset=offset)
    return JobPageOut(
        items=[JobOut.model_validate(item, from_attributes=True) for item in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/lifecycle-jobs/{job_id}", response_model=JobOut, responses=NOT_FOUND)
def get_job(job_id: uuid.UUID, ctx: Context, actor: Caller) -> JobOut:
    view = browse.job(ctx.uow(), actor, job_id)
    return JobOut.model_validate(view, from_attributes=True)
