"""The Manage menu of a client file, as in the seed article: every action with whether it
is allowed, why not, and what it means for you and for your client, with counts; a
confirmation for each (deleting asks for the client's name); then the job, followed live
until it is done. The menu, the checks and the jobs are the API's own."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app.api import lifecycle as api_lifecycle
from app.api.consent import ACCEPT_PATH, OPEN_PATH
from app.console import requests, wording
from app.console.web import PREFIX, Acting, Page, Viewer
from app.domain.model import Action, Actor
from app.services import attach, browse, commands, invitations, queries
from app.services.browse import JobView
from app.services.queries import ActionOption, FileView

router = APIRouter(prefix=PREFIX, include_in_schema=False)

STAFF_MENU = (
    Action.DETACH,
    Action.DEACTIVATE,
    Action.DELETE,
    Action.REACTIVATE,
    Action.INVITE_CLIENT_USER,
)
CLIENT_MENU = (Action.SUBSCRIBE, Action.ATTACH, Action.INVITE_CLIENT_USER)
# Run by a worker, followed on the job's page; the others are quick and run at once.
BY_WORKER = frozenset({Action.DETACH, Action.DEACTIVATE, Action.DELETE, Action.REACTIVATE})
FINISHED = frozenset({"done", "refused", "failed", "cancelled"})
GRACE = "Waiting for the grace period"
GRACE_MESSAGE = (
    "The client file is hidden and will be removed after {when}; until then the deletion "
    "can be cancelled from the list of files being deleted."
)


def _menu(current: Page, client_file_id: uuid.UUID) -> tuple[FileView, list[dict[str, Any]]]:
    actor = current.actor
    assert actor is not None
    view = queries.get_file(current.ctx.uow(), actor, client_file_id)
    options = {
        Action(option.action): option
        for option in queries.available_actions(current.ctx.uow(), actor, client_file_id)
    }
    shown = STAFF_MENU if actor.is_staff else CLIENT_MENU
    return view, [_option(current, view, options[action]) for action in shown]


def _option(current: Page, view: FileView, option: ActionOption) -> dict[str, Any]:
    t = current.t
    why = t.sentence(
        option.reason,
        option.message,
        users=wording.users(t, view.client_users),
        until=t.moment(option.until),
    )
    return {
        "action": option.action,
        "allowed": option.allowed,
        "why_not": why,
        "for_practice": [t(line) for line in option.for_practice],
        "for_client": [t(line) for line in option.for_client],
        "counts": wording.impact(t, option.counts),
    }


@router.get("/files/{client_file_id}/manage", response_class=HTMLResponse)
def manage(client_file_id: uuid.UUID, current: Viewer) -> HTMLResponse:
    view, options = _menu(current, client_file_id)
    return current.render(
        "manage.html",
        file=view,
        options=options,
        requests=requests.pending(current, client_file_id),
    )


@router.get("/files/{client_file_id}/manage/{action}", response_class=HTMLResponse)
def confirm(client_file_id: uuid.UUID, action: Action, current: Viewer) -> HTMLResponse:
    """The confirmation on a page of its own, for browsers without scripts."""
    view, options = _menu(current, client_file_id)
    chosen = next((option for option in options if option["action"] == action), None)
    if chosen is None:
        return current.render("error.html", status_code=404, message=None, code="not_found")
    return current.render("confirm.html", file=view, option=chosen, mismatch=False)


@router.post("/files/{client_file_id}/manage/{action}")
def act(
    client_file_id: uuid.UUID,
    action: Action,
    current: Acting,
    confirm_name: Annotated[str, Form(max_length=200)] = "",
    reprocess_skipped: Annotated[bool, Form()] = False,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    practice_email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    actor, ctx = current.actor, current.ctx
    assert actor is not None
    if action is Action.DELETE:
        view = queries.get_file(ctx.uow(), actor, client_file_id)
        if confirm_name.strip() != view.name:
            _, options = _menu(current, client_file_id)
            chosen = next(option for option in options if option["action"] == action)
            return current.render(
                "confirm.html", status_code=422, file=view, option=chosen, mismatch=True
            )
    if action in BY_WORKER:
        params = {"reprocess_skipped": reprocess_skipped} if action is Action.REACTIVATE else None
        command = commands.command_for(
            action, client_file_id=client_file_id, actor_id=actor.user_id, params=params
        )
        job, _ = api_lifecycle.dispatch(ctx, command)
        return current.redirect(f"{PREFIX}/jobs/{job.id}")
    if action is Action.INVITE_CLIENT_USER:
        settings = ctx.runtime.settings
        invitations.invite(
            ctx.uow(),
            client_file_id=client_file_id,
            actor_id=actor.user_id,
            email=email,
            name=name.strip() or None,
            ttl=timedelta(hours=settings.invitation_ttl_hours),
            accept_url=settings.public_url.rstrip("/") + ACCEPT_PATH,
            open_url=settings.public_url.rstrip("/") + OPEN_PATH,
        )
    elif action is Action.ATTACH:
        attach.ask(
            ctx.uow(),
            client_file_id=client_file_id,
            actor_id=actor.user_id,
            practice_email=practice_email,
        )
    else:
        command = commands.command_for(
            action, client_file_id=client_file_id, actor_id=actor.user_id
        )
        api_lifecycle.run_now(ctx, command)
    return current.redirect(f"{PREFIX}/files/{client_file_id}?done={action}")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: uuid.UUID, current: Viewer) -> HTMLResponse:
    assert current.actor is not None
    job = browse.job(current.ctx.uow(), current.actor, job_id)
    return current.render(
        "job.html",
        job=_job(current, job),
        requested=job.created_at,
        next_url=_after(current.actor, job),
    )


@router.get("/jobs/{job_id}/status")
def job_status(job_id: uuid.UUID, current: Viewer) -> JSONResponse:
    """What the job page polls until the job is finished."""
    assert current.actor is not None
    job = browse.job(current.ctx.uow(), current.actor, job_id)
    return JSONResponse(_job(current, job))


def _job(current: Page, job: JobView) -> dict[str, Any]:
    t = current.t
    # A deletion in its grace period stays running until the purge: nothing to wait for
    # on this page, which says when it will be and where it can be cancelled.
    waiting = job.purge_after is not None
    return {
        "id": str(job.id),
        "action": job.action,
        "action_label": t(wording.ACTION_LABELS.get(job.action, job.action)),
        "status": job.status,
        "status_label": t(GRACE if waiting else wording.JOB_STATUS.get(job.status, job.status)),
        "finished": job.status in FINISHED or waiting,
        "message": t(GRACE_MESSAGE).format(when=t.moment(job.purge_after))
        if waiting
        else t.sentence(job.reason, job.message),
        "counts": wording.done(t, job.counts),
        "requested_at": t.moment(job.created_at),
    }


def _after(actor: Actor, job: JobView) -> str:
    # After a detach or a delete the practice has no file page to go back to.
    gone = actor.is_staff and job.action in (Action.DETACH, Action.DELETE)
    return f"{PREFIX}/clients" if gone else f"{PREFIX}/files/{job.client_file_id}"
