"""Signing in and out, and the language switch.

A personal token (`dossier admin token`, or the API's) opens a session: the cookie then
stands for the token, which stays out of the browser's history and scripts. Another way
in (an e-mail link from the outbox) only has to end in `open_session` with its own
`SignIn`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.api.ratelimit import address_key
from app.console import sessions
from app.console.i18n import LANGUAGES
from app.console.web import PREFIX, AnyPage, FormPage, Page
from app.services import tokens

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _safe_next(path: str | None) -> str:
    # Only a path of the console: never another site after signing in.
    if path and path.startswith(PREFIX + "/") and not path.startswith("//"):
        return path
    return f"{PREFIX}/clients"


@router.get("", response_class=HTMLResponse)
def home(current: AnyPage) -> RedirectResponse:
    return current.redirect(f"{PREFIX}/clients" if current.actor else f"{PREFIX}/sign-in")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(current: AnyPage, next: str | None = None) -> HTMLResponse:
    return current.render("sign_in.html", next=_safe_next(next), failed=False)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(
    current: FormPage,
    token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    ctx = current.ctx
    client = current.request.client
    keys = [address_key(client.host if client else None)]
    ctx.limiter.refuse_if_blocked("failed_auth", keys)
    signed_in = await run_in_threadpool(tokens.sign_in, ctx.uow(), token.strip())
    if signed_in is None:
        ctx.limiter.hit("failed_auth", keys)
        return current.render("sign_in.html", status_code=401, next=_safe_next(next), failed=True)
    return open_session(current, signed_in, _safe_next(next))


def open_session(current: Page, signed_in: tokens.SignIn, next_path: str) -> RedirectResponse:
    # A new CSRF token with every sign-in: one seen before it is worth nothing after.
    current.update(sessions.fresh().evolve(signed_in=signed_in, language=current.session.language))
    return current.redirect(next_path)


@router.post("/sign-out")
def sign_out(current: FormPage) -> RedirectResponse:
    current.update(sessions.fresh().evolve(language=current.session.language))
    return current.redirect(f"{PREFIX}/sign-in")


@router.post("/language")
def choose_language(
    current: FormPage,
    language: Annotated[str, Form(max_length=5)],
    back: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    if language in LANGUAGES:
        current.update(current.session.evolve(language=language))
    return current.redirect(back if back.startswith(PREFIX) and "//" not in back else PREFIX)
