"""One lifecycle action over many client files: a dry run, then the real run."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool

from app.api.deps import ApiContext, Caller, Context
from app.api.errors import ServiceUnavailable
from app.api.idempotency import Keyed, answer
from app.api.schemas import UNAUTHENTICATED, Body, ErrorOut
from app.domain.model import Action
from app.errors import InvalidInput
from app.services import bulk, idempotency, requests
from app.services.idempotency import KeyClaim
from app.services.messages import TaskMessage

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["bulk actions"], responses=UNAUTHENTICATED)

INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "No file, too many files, or not a bulk action."}
}


class BulkIn(Body):
    action: Literal["deactivate", "reactivate", "detach", "delete"]
    client_file_ids: list[uuid.UUID] = Field(min_length=1, max_length=bulk.MAX_FILES)
    reprocess_skipped: StrictBool | None = Field(
        default=None, description="Reactivate only: send the documents skipped meanwhile again."
    )


class BulkItemOut(BaseModel):
    client_file_id: uuid.UUID
    allowed: bool
    outcome: str = Field(description="allowed (dry run), pending, refused or not_found.")
    reason: str | None = None
    message: str | None = None
    job_id: uuid.UUID | None = Field(default=None, description="Follow it at /v1/lifecycle-jobs.")


class BulkOut(BaseModel):
    action: str
    dry_run: bool
    summary: dict[str, int] = Field(description="How many files had each outcome.")
    items: list[BulkItemOut]


def _out(action: str, dry_run: bool, items: list[bulk.BulkItem]) -> BulkOut:
    return BulkOut(
        action=action,
        dry_run=dry_run,
        summary=bulk.summary(items),
        items=[
            BulkItemOut(
                client_file_id=item.client_file_id,
                allowed=item.allowed,
                outcome=item.outcome,
                reason=item.reason,
                message=item.message,
                job_id=item.job_id,
            )
            for item in items
        ],
    )


def _params(body: BulkIn) -> dict[str, Any]:
    if body.reprocess_skipped is None:
        return {}
    if body.action != "reactivate":
        raise InvalidInput("reprocess_skipped goes with reactivate only.")
    return {"reprocess_skipped": body.reprocess_skipped}


@router.post("/bulk-actions/dry-run", response_model=BulkOut, responses=INVALID)
def dry_run(body: BulkIn, ctx: Context, actor: Caller) -> BulkOut:
    """Say, for each file, whether the action would be allowed now and why not. Changes
    nothing. A file you cannot see is `not_found`, like one that does not exist."""
    _params(body)
    items = bulk.dry_run(
        ctx.uow(),
        actor_id=actor.user_id,
        action=Action(body.action),
        client_file_ids=body.client_file_ids,
    )
    return _out(body.action, True, items)


@router.post("/bulk-actions", status_code=202, response_model=BulkOut, responses=INVALID)
def run(body: BulkIn, ctx: Context, actor: Caller, keyed: Keyed) -> JSONResponse:
    """Apply the action to each file that allows it, as if asked for one by one: each
    allowed file gets its own pending job; the others say why not. With an
    `Idempotency-Key`, the same request sent again gets the first answer."""
    claim = keyed.claim(body.model_dump_json())

    def work() -> dict[str, Any]:
        items, to_send = bulk.request_all(
            ctx.uow(),
            actor_id=actor.user_id,
            action=Action(body.action),
            client_file_ids=body.client_file_ids,
            params=_params(body),
            claim=claim,
        )
        _send(ctx, to_send, claim)
        return _out(body.action, False, items).model_dump(mode="json")

    first, replayed = idempotency.once(ctx.uow(), claim, work)
    return answer(BulkOut.model_validate(first), 202, replayed=replayed)


def _send(ctx: ApiContext, to_send: list[TaskMessage], claim: KeyClaim | None) -> None:
    try:
        ctx.runtime.dispatcher.send(to_send)
    except Exception:
        log.exception("could not send %d bulk lifecycle job(s)", len(to_send))
        for message in to_send:
            file_claim = bulk.item_claim(claim, uuid.UUID(message.payload["client_file_id"]))
            requests.withdraw(ctx.uow(), message.task_id, file_claim)
        raise ServiceUnavailable(
            "The job queue cannot be reached; nothing was changed. Try again shortly."
        ) from None
