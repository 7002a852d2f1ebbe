"""Sending documents for extraction again: one document, or a file's failed or skipped
ones (with a dry run that counts them). They run at once, in this process: a quick change
of rows under the file's lock, the gate messages sent after the commit."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.deps import Caller, Context
from app.api.idempotency import Keyed, answer
from app.api.lifecycle import ACCEPTED
from app.api.schemas import UNAUTHENTICATED, JobOut, ResendIn, ResendPreviewOut
from app.domain.retries import Which
from app.services import keyed_jobs, retries
from app.services.lifecycle import JobResult

router = APIRouter(prefix="/v1", tags=["documents"], responses=UNAUTHENTICATED)


def _job_out(result: JobResult) -> JobOut:
    return JobOut(
        id=result.job_id,
        client_file_id=result.client_file_id,
        action=result.action,
        status=result.status,
        counts=result.counts,
    )


@router.post(
    "/documents/{document_id}/retry", status_code=202, response_model=JobOut, responses=ACCEPTED
)
def retry(document_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    """Send a document that failed, or was skipped for a reason that no longer holds, for
    extraction again. 409 (nothing changed) while its file may not extract (deactivated,
    without a subscription, being deleted) or while the document is not finished."""
    ran = keyed_jobs.run(
        ctx.uow(),
        keyed.claim(),
        lambda job_id: retries.retry(
            ctx.uow(), job_id=job_id, actor_id=actor.user_id, document_id=document_id
        ),
    )
    return answer(_job_out(ran.job), 202, replayed=ran.replayed)


@router.post(
    "/client-files/{client_file_id}/resend",
    status_code=202,
    response_model=JobOut,
    responses={**ACCEPTED, 200: {"model": ResendPreviewOut, "description": "A dry run."}},
)
def resend(
    client_file_id: uuid.UUID, body: ResendIn, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Send all of the file's failed (or skipped) documents for extraction again; with
    `dry_run`, only say how many that would be."""
    ran = keyed_jobs.run(
        ctx.uow(),
        None if body.dry_run else keyed.claim(body.model_dump_json()),
        lambda job_id: retries.resend(
            ctx.uow(),
            job_id=job_id,
            actor_id=actor.user_id,
            client_file_id=client_file_id,
            which=Which(body.which),
            dry_run=body.dry_run,
        ),
    )
    if body.dry_run:
        preview = ResendPreviewOut(
            client_file_id=client_file_id, which=body.which, documents=ran.job.counts["documents"]
        )
        return JSONResponse(preview.model_dump(mode="json"), status_code=200)
    return answer(_job_out(ran.job), 202, replayed=ran.replayed)
