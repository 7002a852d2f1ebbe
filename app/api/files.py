"""Client files and their documents: the My clients list, a file, its documents, uploads."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from app.api import uploads
from app.api.deps import (
    ApiContext,
    Caller,
    Context,
    authenticate,
    bearer,
    context,
)
from app.api.errors import Unauthenticated
from app.api.idempotency import KeyedCaller, KeyedRequest, answer, keyed_call
from app.api.offload import in_thread
from app.api.schemas import (
    UNAUTHENTICATED,
    ActionOut,
    ActionsOut,
    DocumentOut,
    DocumentPageOut,
    ErrorOut,
    FileListOut,
    FileOut,
    UploadOut,
)
from app.domain.model import Actor, FileStatus
from app.domain.retries import RETRYABLE_STATUSES
from app.errors import ActionRefused
from app.services import admission, browse, documents, queries, tokens
from app.services.idempotency import HEADER

router = APIRouter(prefix="/v1", tags=["client files"], responses=UNAUTHENTICATED)

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such file, or the caller has no access."}
}


@router.get("/client-files", response_model=FileListOut)
def list_files(
    ctx: Context,
    actor: Caller,
    status: Literal["active", "deactivated", "deleting"] = "active",
) -> FileListOut:
    """Practice staff: their practice's My clients list. Client users: their own files.
    `deleting` lists the files being deleted, also those in their grace period."""
    views = queries.list_files(ctx.uow(), actor, FileStatus(status))
    return FileListOut(items=[FileOut.model_validate(v, from_attributes=True) for v in views])


@router.get("/client-files/{client_file_id}", response_model=FileOut, responses=NOT_FOUND)
def get_file(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> FileOut:
    view = queries.get_file(ctx.uow(), actor, client_file_id)
    return FileOut.model_validate(view, from_attributes=True)


@router.get(
    "/client-files/{client_file_id}/documents",
    response_model=DocumentPageOut,
    responses=NOT_FOUND,
)
def list_documents(
    client_file_id: uuid.UUID,
    ctx: Context,
    actor: Caller,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> DocumentPageOut:
    page = browse.document_page(ctx.uow(), actor, client_file_id, limit=limit, offset=offset)
    return DocumentPageOut(
        items=[DocumentOut.model_validate(item, from_attributes=True) for item in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/client-files/{client_file_id}/actions", response_model=ActionsOut, responses=NOT_FOUND
)
def list_actions(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> ActionsOut:
    """The Manage menu: each action, whether it is allowed now, why not, and what it does."""
    options = queries.available_actions(ctx.uow(), actor, client_file_id)
    return ActionsOut(
        items=[ActionOut.model_validate(option, from_attributes=True) for option in options]
    )


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [uploads.FIELD],
                    "properties": {uploads.FIELD: {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


async def upload(client_file_id: uuid.UUID, request: Request, call: KeyedCaller) -> JSONResponse:
    """Store a document (multipart field `file`) and send it for extraction. With an
    `Idempotency-Key`, the same upload sent again gets the first answer."""
    ctx, credentials, keyed = call.ctx, call.credentials, call.keyed
    limits = admission.IntakeLimits.from_settings(ctx.runtime.settings)

    def admitted(secret: str) -> Actor | None:
        return admission.admit_bearer(ctx.uow(), secret, client_file_id, limits, ctx.rate_counter)

    # The caller's rate limits in one round trip to Redis, then its token, its access to
    # the file and its quota in one query, before a byte of the body is read.
    try:
        actor = await in_thread(
            lambda: authenticate(request, ctx, credentials, admitted, counting="uploads")
        )
    except ActionRefused:
        # Sent again after its answer was lost, an upload may find the quota it filled.
        if not await run_in_threadpool(keyed.known, ctx.uow()):
            raise
        assert credentials is not None  # admitted, so a token was sent
        actor = await run_in_threadpool(_caller, ctx, credentials.credentials)
    result = await _store_upload(ctx, actor, client_file_id, request, keyed)
    body = UploadOut(
        id=result.document_id,
        client_file_id=client_file_id,
        status=str(result.status),
        duplicate=result.duplicate,
        retry=_retry_offer(result),
    )
    return answer(body, 200 if result.duplicate else 202, replayed=result.replayed)


_FILE_ID = TypeAdapter(uuid.UUID)


async def _answer_upload(request: Request) -> Response:
    """`upload`, called with the values FastAPI would solve for it, read here directly:
    the same bearer scheme, header and path parameter, the path parameter validated as
    FastAPI validates it (a 422 in the same words)."""
    try:
        client_file_id = _FILE_ID.validate_python(request.path_params["client_file_id"])
    except ValidationError as error:
        raise RequestValidationError(
            [{**problem, "loc": ("path", "client_file_id")} for problem in error.errors()]
        ) from None
    ctx = await context(request)
    credentials = await bearer(request)
    call = await keyed_call(request, ctx, credentials, request.headers.get(HEADER))
    return await upload(client_file_id, request, call)


class UploadRoute(APIRoute):
    """The upload's route, the busiest: documented by FastAPI from `upload`'s signature
    (its path parameter, bearer token and `Idempotency-Key` header, as every route's),
    but answered by `_answer_upload` without FastAPI's solving of parameters and
    dependencies, a tenth of an upload's CPU time."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return _answer_upload


router.add_api_route(
    "/client-files/{client_file_id}/documents",
    upload,
    methods=["POST"],
    route_class_override=UploadRoute,
    status_code=202,
    response_model=UploadOut,
    openapi_extra=UPLOAD_BODY,
    responses={
        200: {"model": UploadOut, "description": "The same bytes are already in this file."},
        **NOT_FOUND,
        409: {"model": ErrorOut, "description": "The file is being deleted, or over quota."},
        413: {"model": ErrorOut, "description": "Over the size limit."},
        415: {"model": ErrorOut, "description": "Not a type Dossier can read."},
        429: {"model": ErrorOut, "description": "Over the upload rate; see Retry-After."},
    },
)


def _caller(ctx: ApiContext, secret: str) -> Actor:
    actor = tokens.actor_for(ctx.uow(), secret)
    if actor is None:
        raise Unauthenticated("This API token is not valid.")
    return actor


async def receive_upload(
    ctx: ApiContext,
    actor: Actor,
    client_file_id: uuid.UUID,
    request: Request,
    rate_keys: list[str],
    keyed: KeyedRequest | None = None,
) -> documents.UploadResult:
    """One upload from a multipart body by a caller already known (the console's session)."""
    settings = ctx.runtime.settings
    ctx.limiter.hit("uploads", rate_keys)
    # Refuse callers without access, over their rate or their quota, before reading a
    # byte of the body.
    limits = admission.IntakeLimits.from_settings(settings)
    try:
        await run_in_threadpool(
            admission.admit, ctx.uow(), actor, client_file_id, limits, ctx.rate_counter
        )
    except ActionRefused:
        # Sent again after its answer was lost, an upload may find the quota it filled.
        if keyed is None or not await run_in_threadpool(keyed.known, ctx.uow()):
            raise
    return await _store_upload(ctx, actor, client_file_id, request, keyed)


async def _store_upload(
    ctx: ApiContext,
    actor: Actor,
    client_file_id: uuid.UUID,
    request: Request,
    keyed: KeyedRequest | None,
) -> documents.UploadResult:
    """The body, streamed to a spool file, stored once the caller was let in."""
    settings = ctx.runtime.settings
    boundary = uploads.check_envelope(
        request.headers.get("content-type", ""),
        request.headers.get("content-length"),
        settings.max_upload_bytes,
    )
    part = await uploads.read_file_part(request.stream(), boundary, settings.max_upload_bytes)
    try:
        return await in_thread(
            lambda: documents.upload(
                ctx.uow(),
                ctx.runtime.blobs,
                settings,
                client_file_id=client_file_id,
                actor=actor,
                filename=part.filename,
                data=part.incoming,
                claim=keyed.claim(part.incoming.sha256, part.filename) if keyed else None,
            )
        )
    finally:
        part.close()


def _retry_offer(result: documents.UploadResult) -> str | None:
    # The same bytes again usually mean "try this one again": say how.
    if result.duplicate and result.status in RETRYABLE_STATUSES:
        return f"/v1/documents/{result.document_id}/retry"
    return None
