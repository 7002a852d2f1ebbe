"""Accepting an invitation in the console: the invitation mail's link opens a page with
the code filled in; accepting it goes through the consent service exactly as `POST
/v1/invitations/accept` does (the account is created or linked, access given, a personal
token issued), then signs the person in with that token and shows it, once.

The API answers one thing for any code that cannot be used. Here, the person holding a
code that failed is told what became of it (expired, accepted, withdrawn): having the
code proves they had the mail, and the answer names no file, address or person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from app.api.consent import OPEN_PATH
from app.api.ratelimit import address_key
from app.console.signin import show_signed_in
from app.console.web import PREFIX, AnyPage, FormPage, Page
from app.domain.consent import NOT_VALID, InvitationStatus
from app.errors import ActionRefused, NotFound
from app.services import invitations, queries, tokens

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PATH = OPEN_PATH.removeprefix(PREFIX)

WHY_NOT = {
    InvitationStatus.EXPIRED: (
        "This invitation has expired. Ask the person who invited you to send a new one."
    ),
    InvitationStatus.ACCEPTED: "This invitation was accepted already. Sign in to open the file.",
    InvitationStatus.REVOKED: (
        "This invitation was withdrawn by the person who sent it. Ask them for a new one "
        "if you still need access."
    ),
}


@router.get(PATH, response_class=HTMLResponse)
def invitation_page(current: AnyPage, code: str = "") -> HTMLResponse:
    return current.render("invitation.html", code=code.strip()[:200], problem=None)


@router.post(PATH, response_class=HTMLResponse)
async def accept(
    current: FormPage, code: Annotated[str, Form(max_length=200)] = ""
) -> HTMLResponse:
    ctx, code = current.ctx, code.strip()
    client = current.request.client
    keys = [address_key(client.host if client else None)]
    # A code that fails counts as a failed sign-in, as over the API.
    ctx.limiter.refuse_if_blocked("failed_auth", keys)
    try:
        welcome = await run_in_threadpool(invitations.accept, ctx.uow(), code)
    except NotFound:
        ctx.limiter.hit("failed_auth", keys)
        status = await run_in_threadpool(invitations.status_of, ctx.uow(), code)
        why = WHY_NOT.get(status, NOT_VALID.message) if status else NOT_VALID.message
        return _refused(current, code, current.t(why), 404)
    except ActionRefused as refused:  # the address is a practice's staff account
        message = current.t.sentence(refused.reason, refused.message) or refused.message
        return _refused(current, code, message, 409)
    await show_signed_in(current, tokens.SignIn(welcome.user_id, welcome.token.token_id))
    assert current.actor is not None
    view = await run_in_threadpool(
        queries.get_file, ctx.uow(), current.actor, welcome.client_file_id
    )
    return current.render("welcome.html", file=view, token=welcome.token.secret)


def _refused(current: Page, code: str, message: str, status: int) -> HTMLResponse:
    return current.render("invitation.html", status_code=status, code=code, problem=message)
