"""Signing in and out, and the language switch.

Two ways in, both ending in `open_session` with a `SignIn`: a personal token (`dossier
admin token`, or the API's), after which the cookie stands for the token; or a link sent
by e-mail (`app/services/sign_in_links.py`), asked for with an address and used once. The
link's page asks for a click before using it, so that a mail scanner fetching the link
does not spend it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.api.ratelimit import address_key, email_key
from app.console import sessions
from app.console.i18n import LANGUAGES, Translator
from app.console.web import PREFIX, AnyPage, FormPage, Page
from app.domain.notices import Letter
from app.persistence.uow import UnitOfWork
from app.services import sign_in_links, timeline, tokens

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DEFAULT_NEXT = f"{PREFIX}/clients"
LINK_PATH = f"{PREFIX}/sign-in/link"


def _safe_next(path: str | None) -> str:
    # Only a path of the console: never another site after signing in.
    if path and path.startswith(PREFIX + "/") and not path.startswith("//"):
        return path
    return DEFAULT_NEXT


def _keys(current: Page) -> list[str]:
    client = current.request.client
    return [address_key(client.host if client else None)]


@router.get("", response_class=HTMLResponse)
def home(current: AnyPage) -> RedirectResponse:
    return current.redirect(DEFAULT_NEXT if current.actor else f"{PREFIX}/sign-in")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(current: AnyPage, next: str | None = None, sent: bool = False) -> HTMLResponse:
    return _sign_in_page(current, _safe_next(next), sent=sent)


def _sign_in_page(
    current: Page, next_path: str, status_code: int = 200, **shown: bool
) -> HTMLResponse:
    minutes = current.ctx.runtime.settings.console_sign_in_link_minutes
    return current.render(
        "sign_in.html",
        status_code=status_code,
        next=next_path,
        minutes=current.t.number(round(minutes)),
        failed=shown.get("failed", False),
        sent=shown.get("sent", False),
        link_failed=shown.get("link_failed", False),
    )


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(
    current: FormPage,
    token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return await _signed_in(current, tokens.sign_in, token, next, failed=True)


@router.post("/sign-in/email")
async def ask_for_link(
    current: FormPage,
    email: Annotated[str, Form(max_length=320)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    """Mail a sign-in link if the address is an active account's. The answer is the same
    whatever the address, and so is the count toward the limit: it is taken first."""
    ctx, settings = current.ctx, current.ctx.runtime.settings
    ctx.limiter.hit("sign_in_links", [email_key(email), *_keys(current)])
    next_path = _safe_next(next)
    link_url = settings.public_url.rstrip("/") + LINK_PATH
    if next_path != DEFAULT_NEXT:
        link_url += f"?next={quote(next_path)}"
    await run_in_threadpool(
        sign_in_links.request,
        ctx.uow(),
        email,
        ttl=timedelta(minutes=settings.console_sign_in_link_minutes),
        link_url=link_url,
        write=_letter_writer(current.t, settings.console_sign_in_link_minutes),
    )
    return current.redirect(f"{PREFIX}/sign-in?sent=true&next={quote(next_path)}")


def _letter_writer(t: Translator, minutes: float) -> sign_in_links.LetterWriter:
    """The mail in the language of the page it was asked for from."""

    def write(url: str, ends: datetime) -> Letter:
        lasts = t("The link works once, within {n} minutes.", n=t.number(round(minutes)))
        body = "\n\n".join(
            [
                t("Someone, probably you, asked to sign in to Dossier with this address."),
                t("To sign in, open this link:"),
                f"    {url}",
                f"{lasts} ({t.moment(ends)})",
                t(
                    "If you did not ask for it, ignore this message: nobody can sign in "
                    "without the link."
                ),
            ]
        )
        return Letter(t("Your link to sign in to Dossier"), body + "\n")

    return write


@router.get(LINK_PATH.removeprefix(PREFIX), response_class=HTMLResponse)
def link_page(current: AnyPage, token: str = "", next: str | None = None) -> HTMLResponse:
    return current.render("sign_in_link.html", token=token[:200], next=_safe_next(next))


@router.post(LINK_PATH.removeprefix(PREFIX), response_class=HTMLResponse)
async def use_link(
    current: FormPage,
    token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return await _signed_in(current, sign_in_links.use, token, next, link_failed=True)


async def _signed_in(
    current: FormPage,
    check: Callable[[UnitOfWork, str], tokens.SignIn | None],
    secret: str,
    next: str,
    **failure: bool,
) -> Response:
    """A session for whoever `check` accepts `secret` from; a failure counts toward the
    failed sign-ins' block and shows the sign-in page with `failure`'s message."""
    ctx, keys = current.ctx, _keys(current)
    ctx.limiter.refuse_if_blocked("failed_auth", keys)
    signed_in = await run_in_threadpool(check, ctx.uow(), secret.strip())
    if signed_in is None:
        ctx.limiter.hit("failed_auth", keys)
        return _sign_in_page(current, _safe_next(next), 401, **failure)
    return open_session(current, signed_in, _safe_next(next))


def open_session(current: Page, signed_in: tokens.SignIn, next_path: str) -> RedirectResponse:
    start_session(current, signed_in)
    return current.redirect(next_path)


def start_session(current: Page, signed_in: tokens.SignIn) -> None:
    # A new CSRF token with every sign-in: one seen before it is worth nothing after.
    current.update(sessions.fresh().evolve(signed_in=signed_in, language=current.session.language))


async def show_signed_in(current: Page, signed_in: tokens.SignIn) -> None:
    """Start the session and draw this very answer as its person sees it (a page shown
    at once rather than after a redirect)."""
    start_session(current, signed_in)
    uow = current.ctx.uow
    current.actor = await run_in_threadpool(tokens.session_actor, uow(), signed_in)
    current.person = await run_in_threadpool(timeline.person, uow(), signed_in.user_id)


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
