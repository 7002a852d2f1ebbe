"""One document: its status, why it was skipped or failed, its fields once extracted."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.api.deps import Caller, Context
from app.api.files import NOT_FOUND
from app.api.schemas import UNAUTHENTICATED, DocumentOut
from app.services import queries

router = APIRouter(prefix="/v1", tags=["documents"], responses=UNAUTHENTICATED)


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=NOT_FOUND)
def get_document(document_id: uuid.UUID, ctx: Context, actor: Caller) -> DocumentOut:
    view = queries.get_document(ctx.uow(), actor, document_id)
    return DocumentOut.model_validate(view, from_attributes=True)
