"""What the file page does: uploads (one file per request, sent by the page's script with
its progress), the documents' statuses it polls, retries, exports and schedules. Each is
the API's service call behind the session and the CSRF check."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from app.api import exports as api_exports
from app.api.files import receive_upload
from app.api.ratelimit import address_key
from app.console import wording
from app.console.web import PREFIX, Acting, ScriptPost, Viewer
from app.domain import instants, reasons
from app.domain.model import Action
from app.errors import InvalidInput
from app.services import browse, exports, retries, schedules

router = APIRouter(prefix=PREFIX, include_in_schema=False)
STATUS_PAGE = 200


@router.post("/files/{client_file_id}/documents")
async def upload(client_file_id: uuid.UUID, request: Request, current: ScriptPost) -> JSONResponse:
    actor = current.actor
    if actor is None:
        return JSONResponse({"error": {"code": "unauthenticated"}}, status_code=401)
    client = request.client
    keys = [address_key(client.host if client else None), f"user:{actor.user_id}"]
    result = await receive_upload(current.ctx, actor, client_file_id, request, keys)
    status = str(result.status)
    body = {
        "id": str(result.document_id),
        "status": status,
        "status_label": current.t(wording.DOCUMENT_STATUS.get(status, status)),
        "duplicate": result.duplicate,
    }
    return JSONResponse(body, status_code=200 if result.duplicate else 202)


@router.get("/files/{client_file_id}/documents/status")
def document_statuses(client_file_id: uuid.UUID, current: Viewer, offset: int = 0) -> JSONResponse:
    """The statuses the file page polls while some of its documents are on their way."""
    assert current.actor is not None
    t = current.t
    page = browse.document_page(
        current.ctx.uow(), current.actor, client_file_id, limit=STATUS_PAGE, offset=max(0, offset)
    )
    items = {}
    for item in page.items:
        code, sentence = reasons.explained(item.reason)
        items[str(item.id)] = {
            "status": item.status,
            "label": t(wording.DOCUMENT_STATUS.get(item.status, item.status)),
            "reason": t.sentence(code, sentence),
        }
    return JSONResponse({"total": page.total, "items": items})


@router.post("/documents/{document_id}/retry")
def retry(document_id: uuid.UUID, current: Acting) -> RedirectResponse:
    assert current.actor is not None
    result = retries.retry(
        current.ctx.uow(),
        job_id=uuid.uuid4(),
        actor_id=current.actor.user_id,
        document_id=document_id,
    )
    return current.redirect(f"{PREFIX}/files/{result.client_file_id}?done=retry")


@router.post("/files/{client_file_id}/exports")
def request_export(client_file_id: uuid.UUID, current: Acting) -> RedirectResponse:
    assert current.actor is not None
    limits = exports.ExportLimits.from_settings(current.ctx.runtime.settings)
    exports.request(
        current.ctx.uow(), client_file_id=client_file_id, actor=current.actor, limits=limits
    )
    return current.redirect(f"{PREFIX}/files/{client_file_id}?done=export#exports")


@router.get("/files/{client_file_id}/exports/{export_id}/download")
def download_export(client_file_id: uuid.UUID, export_id: uuid.UUID, current: Viewer) -> Response:
    assert current.actor is not None
    return api_exports.download_export(client_file_id, export_id, current.ctx, current.actor)


@router.post("/files/{client_file_id}/schedules")
def create_schedule(
    client_file_id: uuid.UUID,
    current: Acting,
    action: Annotated[str, Form(max_length=20)],
    run_at: Annotated[str, Form(max_length=40)],
    time_zone: Annotated[str, Form(max_length=60)] = "UTC",
    reprocess_skipped: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    assert current.actor is not None
    if action not in {str(chosen) for chosen in schedules.SCHEDULABLE}:
        raise InvalidInput("Choose an action to schedule.")
    params = {"reprocess_skipped": reprocess_skipped} if action == Action.REACTIVATE else {}
    schedules.schedule(
        current.ctx.uow(),
        client_file_id=client_file_id,
        actor_id=current.actor.user_id,
        action=Action(action),
        run_at=local_time(run_at, time_zone),
        params=params,
    )
    return current.redirect(f"{PREFIX}/files/{client_file_id}?done=schedule#schedules")


@router.post("/files/{client_file_id}/schedules/{schedule_id}/cancel")
def cancel_schedule(
    client_file_id: uuid.UUID, schedule_id: uuid.UUID, current: Acting
) -> RedirectResponse:
    assert current.actor is not None
    schedules.cancel(
        current.ctx.uow(),
        actor=current.actor,
        client_file_id=client_file_id,
        schedule_id=schedule_id,
    )
    return current.redirect(f"{PREFIX}/files/{client_file_id}?done=cancel#schedules")


def local_time(value: str, time_zone: str) -> datetime:
    """A `datetime-local` field's value, in the reader's time zone (sent by the page)."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Choose a date and a time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return instants.to_utc(moment)
    except instants.InstantError as error:
        raise InvalidInput(str(error)) from None
