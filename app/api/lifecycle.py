"""The Manage menu's actions and the lifecycle jobs they start.

Practice-side changes (deactivate, reactivate, detach, delete) are checked here, then run
by a worker; the 202 carries the job id to follow. Client-side ones run at once."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.api.deps import ApiContext, Caller, Context
from app.api.errors import ServiceUnavailable
from app.api.files import NOT_FOUND
from app.api.idempotency import Keyed, KeyedRequest, answer
from app.api.schemas import (
    UNAUTHENTICATED,
    AttachIn,
    ErrorOut,
    InviteIn,
    JobOut,
    JobPageOut,
    ReactivateIn,
)
from app.domain.model import JobStatus
from app.services import browse, requests
from app.services.commands import (
    Attach,
    Command,
    Deactivate,
    Delete,
    Detach,
    InviteClientUser,
    Reactivate,
    Subscribe,
)

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["lifecycle"], responses=UNAUTHENTICATED)

ACCEPTED: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"model": ErrorOut, "description": "Refused; the reason says why. Nothing changed."},
}


def dispatch(
    ctx: ApiContext, command: Command, keyed: KeyedRequest | None = None
) -> tuple[JobOut, bool]:
    """Check, record and send a worker's lifecycle change (the API's and the console's);
    the job, and whether it is the first answer to its idempotency key given again."""
    client_file_id, action = command.client_file_id, command.action
    claim = keyed.claim(_canonical(command.params())) if keyed is not None else None
    requested = requests.request(ctx.uow(), command, claim)
    message = requested.message
    try:
        if message is not None:
            ctx.runtime.dispatcher.send([message])
    except Exception:
        log.exception("could not send %s for client file %s", action, client_file_id)
        requests.withdraw(ctx.uow(), requested.job_id, claim)
        raise ServiceUnavailable(
            "The job queue cannot be reached; nothing was changed. Try again shortly.",
            client_file_id=client_file_id,
        ) from None
    job = JobOut(
        id=requested.job_id,
        client_file_id=client_file_id,
        action=str(action),
        status=JobStatus.PENDING,
        created_at=requested.created_at,
    )
    return job, message is None


def _dispatch(ctx: ApiContext, command: Command, keyed: KeyedRequest) -> JSONResponse:
    job, replayed = dispatch(ctx, command, keyed)
    return answer(job, 202, replayed=replayed)


def run_now(
    ctx: ApiContext, command: Command, keyed: KeyedRequest | None = None
) -> tuple[JobOut, bool]:
    """A quick change run in this process (the API's and the console's)."""
    claim = keyed.claim(_canonical(command.params())) if keyed is not None else None
    ran = requests.run_now(ctx.uow(), ctx.runtime.blobs, command, claim)
    job = JobOut(
        id=ran.job.job_id,
        client_file_id=command.client_file_id,
        action=ran.job.action,
        status=ran.job.status,
        counts=ran.job.counts,
    )
    return job, ran.replayed


def _run_now(
    ctx: ApiContext, command: Command, keyed: KeyedRequest, status_code: int = 202
) -> JSONResponse:
    job, replayed = run_now(ctx, command, keyed)
    return answer(job, status_code, replayed=replayed)


def _canonical(params: dict[str, Any] | None) -> str:
    # What the body asked for, not how it was spelled: key order and spaces do not count.
    return json.dumps(params or {}, sort_keys=True, separators=(",", ":"))


@router.post(
    "/client-files/{client_file_id}/deactivate",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def deactivate(
    client_file_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Suspend extraction; queued documents are skipped. Practice staff only."""
    command = Deactivate(client_file_id=client_file_id, actor_id=actor.user_id)
    return _dispatch(ctx, command, keyed)


@router.post(
    "/client-files/{client_file_id}/reactivate",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def reactivate(
    client_file_id: uuid.UUID,
    ctx: Context,
    actor: Caller,
    keyed: Keyed,
    body: ReactivateIn | None = None,
) -> JSONResponse:
    """Extraction works again; optionally re-send the documents skipped meanwhile."""
    command = Reactivate(
        client_file_id=client_file_id,
        actor_id=actor.user_id,
        reprocess_skipped=bool(body and body.reprocess_skipped),
    )
    return _dispatch(ctx, command, keyed)


@router.post(
    "/client-files/{client_file_id}/detach",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def detach(client_file_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    """The file leaves the practice; its client users keep it."""
    return _dispatch(ctx, Detach(client_file_id=client_file_id, actor_id=actor.user_id), keyed)


@router.post(
    "/client-files/{client_file_id}/delete",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def delete(client_file_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    """Remove every row and blob of the file, irreversibly. Only the audit remains."""
    return _dispatch(ctx, Delete(client_file_id=client_file_id, actor_id=actor.user_id), keyed)


@router.post(
    "/client-files/{client_file_id}/subscribe",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def subscribe(client_file_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    """The client takes its own plan for the file. Client users only."""
    command = Subscribe(client_file_id=client_file_id, actor_id=actor.user_id)
    return _run_now(ctx, command, keyed)


@router.post(
    "/client-files/{client_file_id}/attach",
    status_code=202,
    response_model=JobOut,
    responses=ACCEPTED,
)
def attach(
    client_file_id: uuid.UUID, body: AttachIn, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Attach a detached file to a practice. Client users only."""
    command = Attach(
        client_file_id=client_file_id, actor_id=actor.user_id, practice_id=body.practice_id
    )
    return _run_now(ctx, command, keyed)


@router.post(
    "/client-files/{client_file_id}/users",
    status_code=201,
    response_model=JobOut,
    responses=ACCEPTED,
)
def invite(
    client_file_id: uuid.UUID, body: InviteIn, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Give a person of the client's business access. The file can then only be detached."""
    command = InviteClientUser(
        client_file_id=client_file_id, actor_id=actor.user_id, email=body.email, name=body.name
    )
    return _run_now(ctx, command, keyed, 201)


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
