"""Export bundles of a client file: ask for one, follow its progress, download the zip."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from app.api.deps import Caller, Context
from app.api.files import NOT_FOUND
from app.api.idempotency import Keyed, answer
from app.api.lifecycle import ACCEPTED
from app.api.schemas import UNAUTHENTICATED
from app.services import exports

router = APIRouter(prefix="/v1", tags=["exports"], responses=UNAUTHENTICATED)
DOWNLOAD_CHUNK = 1024 * 1024


class ExportOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    status: str = Field(description="pending, building, ready, failed or expired.")
    documents_done: int = Field(description="Documents written into the zip so far.")
    documents_total: int
    size_bytes: int | None
    sha256: str | None = Field(description="Of the zip, once ready.")
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None = Field(description="When the zip is removed.")


class ExportListOut(BaseModel):
    items: list[ExportOut]


def _out(item: exports.ExportView) -> ExportOut:
    return ExportOut.model_validate(item, from_attributes=True)


@router.post(
    "/client-files/{client_file_id}/exports",
    status_code=202,
    response_model=ExportOut,
    responses=ACCEPTED,
)
def request_export(
    client_file_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Bundle the file's originals, extracted data (CSV, JSON) and a manifest with
    checksums into a zip, built by a worker. Practice staff only; only the practice that
    asked sees it; it expires after `DOSSIER_EXPORT_TTL_HOURS` (409 `export_limit_reached`
    when the file already keeps `DOSSIER_EXPORT_MAX_PER_FILE`). With an `Idempotency-Key`,
    the same request sent again is one export, the first answer."""
    limits = exports.ExportLimits.from_settings(ctx.runtime.settings)
    ran = exports.request_once(
        ctx.uow(), keyed.claim(), client_file_id=client_file_id, actor=actor, limits=limits
    )
    return answer(_out(ran.value), 202, replayed=ran.replayed)


@router.get(
    "/client-files/{client_file_id}/exports", response_model=ExportListOut, responses=NOT_FOUND
)
def list_exports(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> ExportListOut:
    items = exports.list_for_file(ctx.uow(), actor=actor, client_file_id=client_file_id)
    return ExportListOut(items=[_out(item) for item in items])


@router.get(
    "/client-files/{client_file_id}/exports/{export_id}",
    response_model=ExportOut,
    responses=NOT_FOUND,
)
def get_export(
    client_file_id: uuid.UUID, export_id: uuid.UUID, ctx: Context, actor: Caller
) -> ExportOut:
    """The export's status and progress."""
    found = exports.get(ctx.uow(), actor=actor, client_file_id=client_file_id, export_id=export_id)
    return _out(found)


@router.get(
    "/client-files/{client_file_id}/exports/{export_id}/download",
    response_class=Response,
    responses={**ACCEPTED, 200: {"content": {"application/zip": {}}, "description": "The zip."}},
)
def download_export(
    client_file_id: uuid.UUID, export_id: uuid.UUID, ctx: Context, actor: Caller
) -> Response:
    """The zip, once ready (409 `export_not_ready` before). Practice staff only."""
    stream = exports.download(
        ctx.uow(),
        ctx.runtime.blobs,
        actor=actor,
        client_file_id=client_file_id,
        export_id=export_id,
    )
    name = f"dossier-export-{client_file_id}-{export_id}.zip"
    # Sent a chunk at a time from the blob store: a large bundle never sits in memory.
    return StreamingResponse(
        _chunks(stream),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(DOWNLOAD_CHUNK):
            yield chunk
