"""Request and response bodies, as the OpenAPI schema shows them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


class FileOut(BaseModel):
    id: uuid.UUID
    name: str
    practice_id: uuid.UUID | None
    billing: str
    status: str
    client_users: int
    documents: dict[str, int] = Field(description="Number of documents in each status.")


class FileListOut(BaseModel):
    items: list[FileOut]


class DocumentOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    status: str
    reason: str | None = Field(description="Why it was skipped or failed.")
    created_at: datetime
    fields: dict[str, Any] | None = Field(description="Extracted fields, once extracted.")
    engine: str | None


class DocumentPageOut(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int


class UploadOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    status: str
    duplicate: bool = Field(description="True when these bytes were already in the file.")


class ActionOut(BaseModel):
    action: str
    allowed: bool
    reason: str | None
    message: str | None
    for_practice: list[str]
    for_client: list[str]
    counts: dict[str, int]


class ActionsOut(BaseModel):
    items: list[ActionOut]


class JobOut(BaseModel):
    id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    status: str = Field(description="pending, running, done or refused.")
    reason: str | None = None
    message: str | None = None
    counts: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None
    finished_at: datetime | None = None


class ReactivateIn(Body):
    reprocess_skipped: bool = Field(
        default=False, description="Send the documents skipped while deactivated again."
    )


class AttachIn(Body):
    practice_id: uuid.UUID


class InviteIn(Body):
    email: str = Field(min_length=3, max_length=320)
    name: str | None = Field(default=None, min_length=1, max_length=200)


class HealthOut(BaseModel):
    status: str
    database: str | None = None
    broker: str | None = None


UNAUTHENTICATED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token."}
}
