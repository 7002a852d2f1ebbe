"""Retention in the console. A deletion's grace period (`DOSSIER_DELETION_GRACE_DAYS`): a
deleted file is hidden from its page, so it is listed under *Being deleted* with the time
its purge starts and *Cancel the deletion*, confirmed first; cancelling is the API's own
`cancel-deletion` (`app/services/grace.py`), refusal and all. And retention holds, placed
and lifted on the file's page (`app/services/holds.py`, as `…/retention-hold`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse

from app.console.web import PREFIX, Acting, Page, Viewer
from app.console.work import local_time
from app.domain.model import FileStatus
from app.errors import NotFound
from app.services import grace, holds, queries
from app.services.queries import FileView

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def being_deleted(current: Page, client_file_id: uuid.UUID) -> FileView:
    """The file, if the reader lists it under Being deleted."""
    assert current.actor is not None
    listed = queries.list_files(current.ctx.uow(), current.actor, FileStatus.DELETING)
    found = next((view for view in listed if view.id == client_file_id), None)
    if found is None:
        raise NotFound("No such client file.", client_file_id=client_file_id)
    return found


@router.get("/files/{client_file_id}/cancel-deletion", response_class=HTMLResponse)
def confirm_cancel(client_file_id: uuid.UUID, current: Viewer) -> HTMLResponse:
    """The confirmation on a page of its own, for browsers without scripts."""
    return current.render("cancel_deletion.html", file=being_deleted(current, client_file_id))


@router.post("/files/{client_file_id}/cancel-deletion")
def cancel(client_file_id: uuid.UUID, current: Acting) -> RedirectResponse:
    assert current.actor is not None
    grace.cancel_deletion(
        current.ctx.uow(), client_file_id=client_file_id, actor_id=current.actor.user_id
    )
    return current.redirect(f"{PREFIX}/files/{client_file_id}?done=cancel_deletion")


@router.post("/files/{client_file_id}/hold")
def place_hold(
    client_file_id: uuid.UUID,
    current: Acting,
    reason: Annotated[str, Form(max_length=500)],
    until: Annotated[str, Form(max_length=40)],
    time_zone: Annotated[str, Form(max_length=60)] = "UTC",
) -> RedirectResponse:
    assert current.actor is not None
    holds.place(
        current.ctx.uow(),
        client_file_id=client_file_id,
        actor_id=current.actor.user_id,
        reason=reason,
        until=local_time(until, time_zone),
    )
    return current.redirect(f"{PREFIX}/files/{client_file_id}?done=hold#hold")


@router.post("/files/{client_file_id}/hold/release")
def release_hold(client_file_id: uuid.UUID, current: Acting) -> RedirectResponse:
    assert current.actor is not None
    holds.release(current.ctx.uow(), client_file_id=client_file_id, actor_id=current.actor.user_id)
    return current.redirect(f"{PREFIX}/files/{client_file_id}?done=release#hold")
