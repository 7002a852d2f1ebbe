"""Reads the API adds to `queries`: a page of a file's documents and a lifecycle job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.model import Action, Actor, JobStatus
from app.errors import NotFound
from app.persistence.auth import LifecycleRequest
from app.persistence.models import Document, LifecycleJob
from app.persistence.uow import UnitOfWork
from app.services.access import sees, visible_file
from app.services.lifecycle import REFUSED, RUNNING
from app.services.queries import DocumentView
from app.services.requests import runnable

PENDING = JobStatus.PENDING
GONE = "The client file no longer exists, or is no longer yours to change: nothing was done."


@dataclass(frozen=True, slots=True)
class DocumentPage:
    items: list[DocumentView]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class JobPage:
    items: list[JobView]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class JobView:
    id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    status: str
    reason: str | None
    message: str | None
    created_at: datetime
    finished_at: datetime | None
    counts: dict[str, Any] = field(default_factory=dict)
    # A deletion waiting out its grace period: when the purge starts (else None).
    purge_after: datetime | None = None


def document_page(
    uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID, *, limit: int, offset: int
) -> DocumentPage:
    with uow:
        visible_file(uow, actor, client_file_id)
        pages = uow.document_pages
        documents = pages.page(client_file_id, limit=limit, offset=offset)
        items = [_document_view(uow, document) for document in documents]
        return DocumentPage(items, pages.count(client_file_id), limit, offset)


def _document_view(uow: UnitOfWork, document: Document) -> DocumentView:
    extraction = uow.documents.extraction_of(document.id)
    return DocumentView(
        id=document.id,
        client_file_id=document.client_file_id,
        filename=document.filename,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        status=str(document.status),
        reason=document.reason,
        created_at=document.created_at,
        fields=dict(extraction.fields) if extraction else None,
        engine=extraction.engine if extraction else None,
    )


def job(uow: UnitOfWork, actor: Actor, job_id: uuid.UUID) -> JobView:
    """A job is shown to whoever asked for it, and to whoever can see its file now;
    a job recorded by the API but not yet picked up by a worker is pending."""
    with uow:
        request = uow.requests.get(job_id)
        # Judged before the job row is read: a worker that changes the file commits its job
        # row with the change, so a row read afterwards is seen (READ COMMITTED), and a
        # request is never shown refused because its own job just ran.
        requested = _requested_view(uow, request) if request is not None else None
        row = uow.lifecycle.job(job_id)
        origin = row if row is not None else request
        if origin is None or not _may_see_job(uow, actor, origin):
            raise NotFound("No such lifecycle job.", job_id=job_id)
        if row is None:
            assert requested is not None  # `origin` is the request
            return requested
        view = _job_view(uow, job_id, row, request)
        assert view is not None  # the row exists
        return view


def _job_view(
    uow: UnitOfWork,
    job_id: uuid.UUID,
    row: LifecycleJob | None = None,
    request: LifecycleRequest | None = None,
) -> JobView | None:
    row = row or uow.lifecycle.job(job_id)
    request = request or uow.requests.get(job_id)
    if row is None:
        return None if request is None else _requested_view(uow, request)
    return JobView(
        row.id,
        row.client_file_id,
        row.action,
        row.status,
        row.reason,
        row.message,
        # When the API took the request, not when a worker first wrote the job.
        request.created_at if request else row.created_at,
        row.finished_at,
        dict(row.counts),
        _purge_after(uow, row),
    )


def _purge_after(uow: UnitOfWork, row: LifecycleJob) -> datetime | None:
    if row.action != Action.DELETE or row.status != RUNNING:
        return None
    client_file = uow.files.get(row.client_file_id)
    purge_after = client_file.purge_after if client_file is not None else None
    return purge_after if purge_after is not None and purge_after > uow.clock() else None


def job_page(
    uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID, *, limit: int, offset: int
) -> JobPage:
    """The file's lifecycle jobs, newest first, for whoever may see the file; practice
    staff see their practice's and the client users' jobs, never a former practice's."""
    with uow:
        visible_file(uow, actor, client_file_id)
        practice_id = actor.practice_id if actor.is_staff else None
        job_ids, total = uow.job_pages.page(
            client_file_id, practice_id=practice_id, limit=limit, offset=offset
        )
        views = [_job_view(uow, job_id) for job_id in job_ids]
    return JobPage([view for view in views if view is not None], total, limit, offset)


def _requested_view(uow: UnitOfWork, request: LifecycleRequest) -> JobView:
    if runnable(uow, request):
        status, reason, message = PENDING, None, None
    else:
        status, reason, message = REFUSED, "not_found", GONE
    return JobView(
        request.id,
        request.client_file_id,
        request.action,
        status,
        reason,
        message,
        request.created_at,
        None,
    )


def _may_see_job(uow: UnitOfWork, actor: Actor, origin: LifecycleJob | LifecycleRequest) -> bool:
    if origin.actor_id == actor.user_id:
        return True
    return sees(actor, uow.files.get(origin.client_file_id), in_grace=True)


def ensure_visible(uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID) -> None:
    """NotFound unless the actor may see the file: one primary-key read, no counts."""
    with uow:
        visible_file(uow, actor, client_file_id)
