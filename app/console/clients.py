"""My clients (search, Active / Deactivated / Being deleted) and a client file's page:
documents with their status, reason, fields and preview; uploads, retries, exports,
schedules and the audit timeline. Every read goes through the services the API uses, so
a file the reader may not see is "not found" here exactly as there."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from app.console import requests
from app.console.web import PREFIX, Page, Viewer
from app.domain import reasons
from app.domain.model import DocumentStatus, FileStatus
from app.domain.retries import RETRYABLE_STATUSES
from app.services import browse, exports, holds, previews, queries, schedules, timeline
from app.services.queries import DocumentView, FileView

router = APIRouter(prefix=PREFIX, include_in_schema=False)

FILTERS = (FileStatus.ACTIVE, FileStatus.DEACTIVATED, FileStatus.DELETING)
PAGE_SIZE = 50
AMOUNTS = ("total", "net", "tax", "amount_due")
SHOWN_FIELDS = ("supplier", "date", "invoice_number", *AMOUNTS, "due_date")


def _matches(view: FileView, search: str) -> bool:
    return not search or search.casefold() in view.name.casefold()


@router.get("/clients", response_class=HTMLResponse)
def client_list(
    current: Viewer,
    status: FileStatus = FileStatus.ACTIVE,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    assert current.actor is not None
    by_status = {
        shown: queries.list_files(current.ctx.uow(), current.actor, shown) for shown in FILTERS
    }
    search = q.strip()
    files = [view for view in by_status[status] if _matches(view, search)]
    return current.render(
        "clients.html",
        files=files,
        status=str(status),
        filters=[(str(shown), len(by_status[shown])) for shown in FILTERS],
        search=search,
        statuses=[str(s) for s in DocumentStatus],
        incoming=requests.incoming(current),
    )


@router.get("/files/{client_file_id}", response_class=HTMLResponse)
def client_file(client_file_id: uuid.UUID, current: Viewer, offset: int = 0) -> HTMLResponse:
    actor, ctx = current.actor, current.ctx
    assert actor is not None
    view = queries.get_file(ctx.uow(), actor, client_file_id)
    offset = max(0, offset)
    documents = browse.document_page(
        ctx.uow(), actor, client_file_id, limit=PAGE_SIZE, offset=offset
    )
    return current.render(
        "file.html",
        file=view,
        documents=[_document(current, item) for item in documents.items],
        total=documents.total,
        offset=offset,
        page_size=PAGE_SIZE,
        schedules=schedules.list_for_file(ctx.uow(), actor=actor, client_file_id=client_file_id),
        exports=exports.list_for_file(ctx.uow(), actor=actor, client_file_id=client_file_id),
        hold=holds.show(ctx.uow(), client_file_id=client_file_id, actor=actor),
        timeline=timeline.timeline(ctx.uow(), actor, client_file_id),
        max_upload=ctx.runtime.settings.max_upload_bytes,
        is_staff=actor.is_staff,
    )


def _document(current: Page, item: DocumentView) -> dict[str, Any]:
    code, sentence = reasons.explained(item.reason)
    fields = item.fields or {}
    currency = fields.get("currency")
    shown = []
    for name in SHOWN_FIELDS:
        value = fields.get(name)
        if value in (None, ""):
            continue
        if name in AMOUNTS:
            value = current.t.amount(value, currency)
        elif name.endswith("date"):
            value = current.t.day(value)
        shown.append((name, value))
    return {
        "view": item,
        "reason": current.t.sentence(code, sentence),
        "fields": shown,
        "retryable": DocumentStatus(item.status) in RETRYABLE_STATUSES,
        "has_preview": previews.has_preview(item.content_type),
    }


@router.get("/documents/{document_id}/preview.png")
async def preview(document_id: uuid.UUID, current: Viewer) -> Response:
    assert current.actor is not None
    picture = await run_in_threadpool(
        previews.preview,
        current.ctx.uow(),
        current.ctx.runtime.blobs,
        current.actor,
        document_id,
    )
    if picture is None:
        return Response(status_code=404)
    # A page of a document is the reader's own: kept by no shared cache.
    return Response(picture, media_type="image/png", headers={"Cache-Control": "private"})
