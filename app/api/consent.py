"""People and consent: invitations to a client file, its client users, and clients'
requests to attach their file to a practice."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.api.consent_schemas import (
    AcceptIn,
    AttachIn,
    AttachRequestListOut,
    AttachRequestOut,
    ClientUserListOut,
    ClientUserOut,
    IncomingRequestListOut,
    IncomingRequestOut,
    InvitationListOut,
    InvitationOut,
    InviteIn,
    WelcomeOut,
)
from app.api.deps import Caller, Context, caller_keys
from app.api.files import NOT_FOUND
from app.api.idempotency import Keyed, answer
from app.api.lifecycle import ACCEPTED, job_out
from app.api.schemas import UNAUTHENTICATED, ErrorOut, JobOut
from app.errors import NotFound
from app.services import attach, invitations

router = APIRouter(prefix="/v1", tags=["people"], responses=UNAUTHENTICATED)

ACCEPT_PATH = "/v1/invitations/accept"
# The console's page an invitation's link opens (`app/console/welcome.py`).
OPEN_PATH = "/console/invitations/accept"
NOT_VALID: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Expired, used, revoked or unknown: one answer."},
    409: {"model": ErrorOut, "description": "The address is a practice's staff account."},
}


@router.post(
    "/client-files/{client_file_id}/invitations",
    status_code=201,
    response_model=InvitationOut,
    responses=ACCEPTED,
)
def invite(
    client_file_id: uuid.UUID, body: InviteIn, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Invite someone of the client's business (staff, or a client user of the file). The
    answer is the same whoever the address belongs to; access comes with the acceptance.
    With an `Idempotency-Key`, sent again it is one invitation and one mail."""
    settings = ctx.runtime.settings
    invitation = invitations.Invite(
        client_file_id,
        actor.user_id,
        body.email,
        body.name,
        timedelta(hours=settings.invitation_ttl_hours),
        settings.public_url.rstrip("/") + ACCEPT_PATH,
        settings.public_url.rstrip("/") + OPEN_PATH,
    )
    ran = invitations.invite_once(ctx.uow(), keyed.claim(body.model_dump_json()), invitation)
    return answer(_invitation(ran.value), 201, replayed=ran.replayed)


@router.get(
    "/client-files/{client_file_id}/invitations",
    response_model=InvitationListOut,
    responses=NOT_FOUND,
)
def list_invitations(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> InvitationListOut:
    views = invitations.list_invitations(ctx.uow(), actor, client_file_id)
    return InvitationListOut(
        items=[InvitationOut.model_validate(view, from_attributes=True) for view in views]
    )


@router.post(
    "/invitations/{invitation_id}/revoke", response_model=InvitationOut, responses=ACCEPTED
)
def revoke_invitation(
    invitation_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Practice staff withdraw an invitation still pending: its token stops working."""
    ran = invitations.revoke_once(ctx.uow(), keyed.claim(), invitation_id, actor.user_id)
    return answer(_invitation(ran.value), 200, replayed=ran.replayed)


@router.post("/invitations/accept", status_code=201, response_model=WelcomeOut, responses=NOT_VALID)
async def accept_invitation(body: AcceptIn, request: Request, ctx: Context) -> WelcomeOut:
    """No API token needed: the invitation code is the credential. Creates the client
    account if the address has none, gives access to the file and your own API token."""
    keys = caller_keys(request, None)
    # A code that fails counts like a failed sign-in: guessing is slowed down the same way.
    ctx.limiter.refuse_if_blocked("failed_auth", keys)
    try:
        welcome = await run_in_threadpool(invitations.accept, ctx.uow(), body.token)
    except NotFound:
        ctx.limiter.hit("failed_auth", keys)
        raise
    return WelcomeOut(
        user_id=welcome.user_id,
        client_file_id=welcome.client_file_id,
        token=welcome.token.secret,
        token_id=welcome.token.token_id,
    )


@router.get(
    "/client-files/{client_file_id}/users", response_model=ClientUserListOut, responses=NOT_FOUND
)
def list_users(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> ClientUserListOut:
    """The client users who accepted their invitation to the file."""
    views = invitations.list_users(ctx.uow(), actor, client_file_id)
    return ClientUserListOut(
        items=[ClientUserOut.model_validate(view, from_attributes=True) for view in views]
    )


@router.delete(
    "/client-files/{client_file_id}/users/{user_id}", response_model=JobOut, responses=ACCEPTED
)
def remove_user(
    client_file_id: uuid.UUID, user_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Practice staff take a client user's access to the file away, at once."""
    ran = invitations.remove_user_once(
        ctx.uow(), keyed.claim(), client_file_id, user_id, actor.user_id
    )
    return answer(job_out(ran.value), 200, replayed=ran.replayed)


@router.post(
    "/client-files/{client_file_id}/attach",
    status_code=202,
    response_model=AttachRequestOut,
    responses=ACCEPTED,
)
def ask_to_attach(
    client_file_id: uuid.UUID, body: AttachIn, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """A client user asks the practice that gave them this address to take the detached
    file. Pending until the practice answers; the answer does not say whether the address
    is a practice's. With an `Idempotency-Key`, sent again it is one request."""
    ran = attach.ask_once(
        ctx.uow(),
        keyed.claim(body.model_dump_json()),
        client_file_id,
        actor.user_id,
        body.practice_email,
    )
    return answer(_request(ran.value), 202, replayed=ran.replayed)


@router.get(
    "/client-files/{client_file_id}/attach-requests",
    response_model=AttachRequestListOut,
    responses=NOT_FOUND,
)
def file_requests(client_file_id: uuid.UUID, ctx: Context, actor: Caller) -> AttachRequestListOut:
    views = attach.for_file(ctx.uow(), actor, client_file_id)
    return AttachRequestListOut(
        items=[AttachRequestOut.model_validate(view, from_attributes=True) for view in views]
    )


@router.get("/attach-requests", response_model=IncomingRequestListOut)
def incoming_requests(ctx: Context, actor: Caller) -> IncomingRequestListOut:
    """Practice staff: the requests waiting for their practice's answer."""
    views = attach.incoming(ctx.uow(), actor)
    return IncomingRequestListOut(
        items=[IncomingRequestOut.model_validate(view, from_attributes=True) for view in views]
    )


@router.post(
    "/attach-requests/{request_id}/accept", response_model=AttachRequestOut, responses=ACCEPTED
)
def accept_request(
    request_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """Take the file into the practice's subscription, if it is still detached."""
    ran = attach.decide_once(ctx.uow(), keyed.claim(), request_id, actor.user_id, accept=True)
    return answer(_request(ran.value), 200, replayed=ran.replayed)


@router.post(
    "/attach-requests/{request_id}/decline", response_model=AttachRequestOut, responses=ACCEPTED
)
def decline_request(
    request_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    ran = attach.decide_once(ctx.uow(), keyed.claim(), request_id, actor.user_id, accept=False)
    return answer(_request(ran.value), 200, replayed=ran.replayed)


@router.post(
    "/attach-requests/{request_id}/cancel", response_model=AttachRequestOut, responses=ACCEPTED
)
def cancel_request(
    request_id: uuid.UUID, ctx: Context, actor: Caller, keyed: Keyed
) -> JSONResponse:
    """The client user who asked takes a pending request back (status `withdrawn`): the
    practice no longer sees it and can no longer accept it."""
    ran = attach.cancel(ctx.uow(), keyed.claim(), request_id, actor.user_id)
    return answer(_request(ran.value), 200, replayed=ran.replayed)


def _invitation(view: invitations.InvitationView) -> InvitationOut:
    return InvitationOut.model_validate(view, from_attributes=True)


def _request(view: attach.RequestView) -> AttachRequestOut:
    return AttachRequestOut.model_validate(view, from_attributes=True)
