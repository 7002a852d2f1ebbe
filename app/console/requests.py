"""Requests to attach a detached file, in the console: the client user who asked withdraws
theirs (on the file's Manage page); the practice asked accepts or declines it (on its list
of clients). The rules and the answers are the API's own (`app.services.attach`)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app.console.web import PREFIX, Acting, Page
from app.domain.consent import RequestStatus
from app.services import attach

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def pending(current: Page, client_file_id: uuid.UUID) -> list[dict[str, Any]]:
    """The file's requests still waiting for a practice, as its client users see them:
    when asked, and whether the reader asked (only the asker may withdraw)."""
    actor = current.actor
    assert actor is not None
    if actor.is_staff:
        return []
    return [
        {
            "id": request.id,
            "asked_at": request.created_at,
            "mine": request.requested_by == actor.user_id,
        }
        for request in attach.for_file(current.ctx.uow(), actor, client_file_id)
        if request.status == RequestStatus.PENDING.value
    ]


def incoming(current: Page) -> list[attach.IncomingView]:
    """The requests waiting for the reader's practice: none for a client user."""
    assert current.actor is not None
    return attach.incoming(current.ctx.uow(), current.actor)


@router.post("/attach-requests/{request_id}/cancel")
def withdraw(request_id: uuid.UUID, current: Acting) -> Response:
    """The asker takes back a pending request: the practice can no longer accept it."""
    assert current.actor is not None
    withdrawn = attach.cancel(current.ctx.uow(), None, request_id, current.actor.user_id).value
    return current.redirect(f"{PREFIX}/files/{withdrawn.client_file_id}?done=cancel_attach")


@router.post("/attach-requests/{request_id}/accept")
def accept(request_id: uuid.UUID, current: Acting) -> Response:
    """The file joins the practice's list; its page says so."""
    assert current.actor is not None
    accepted = attach.decide(
        current.ctx.uow(), request_id=request_id, actor_id=current.actor.user_id, accept=True
    )
    return current.redirect(f"{PREFIX}/files/{accepted.client_file_id}?done=accept_attach")


@router.post("/attach-requests/{request_id}/decline")
def decline(request_id: uuid.UUID, current: Acting) -> Response:
    assert current.actor is not None
    attach.decide(
        current.ctx.uow(), request_id=request_id, actor_id=current.actor.user_id, accept=False
    )
    return current.redirect(f"{PREFIX}/clients?done=decline_attach")
