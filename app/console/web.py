"""What every console page needs: the session, the reader's language, who is signed in,
the templates, and the answers (a page, a redirect, an error page) carrying the session
cookie. Errors the services raise are shown as a page in the reader's language, with the
status code the API would give; asked for JSON (the upload script), they answer JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.api.deps import ApiContext, context
from app.api.errors import status_of
from app.console import sessions
from app.console.i18n import LANGUAGES, Translator, negotiate
from app.console.sessions import ConsoleSession, SessionCodec
from app.domain.model import Actor
from app.errors import DossierError
from app.services import timeline, tokens

HERE = Path(__file__).parent
TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
PREFIX = "/console"
R = TypeVar("R", bound=Response)


class SignInNeeded(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass
class Page:
    """One request to the console, from the reader's point of view."""

    request: Request
    ctx: ApiContext
    codec: SessionCodec
    session: ConsoleSession
    actor: Actor | None = None
    person: timeline.Person | None = None
    changed: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def t(self) -> Translator:
        language = negotiate(self.session.language, self.request.headers.get("accept-language"))
        return Translator(language)

    def update(self, session: ConsoleSession) -> None:
        self.session, self.changed = session, True

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        html = TEMPLATES.get_template(template).render(
            page=self,
            t=self.t,
            csrf=self.session.csrf,
            languages=list(LANGUAGES),
            here=self.request.url.path,
            back=self._back(),
            **values,
        )
        return self._with_cookie(HTMLResponse(html, status_code=status_code))

    def _back(self) -> str:
        """Where the language switch returns: this page, with its query (a link's token
        or an invitation's code must survive the switch)."""
        url = self.request.url
        if self.request.method != "GET" or not url.query:
            return url.path
        return f"{url.path}?{url.query}"

    def redirect(self, path: str) -> RedirectResponse:
        return self._with_cookie(RedirectResponse(path, status_code=303))

    def _with_cookie(self, response: R) -> R:
        if self.changed:
            self.codec.write(response, self.session)
        return response


def _codec(request: Request) -> SessionCodec:
    codec: SessionCodec | None = getattr(request.app.state, "console_codec", None)
    if codec is None:
        ctx: ApiContext = request.app.state.context
        codec = SessionCodec(ctx.runtime.settings)
        request.app.state.console_codec = codec
    return codec


async def page(request: Request, ctx: Annotated[ApiContext, Depends(context)]) -> Page:
    codec = _codec(request)
    found = codec.read(request)
    current = Page(request, ctx, codec, found or sessions.fresh(), changed=found is None)
    signed_in = current.session.signed_in
    if signed_in is not None:
        current.actor = await run_in_threadpool(tokens.session_actor, ctx.uow(), signed_in)
        if current.actor is None:  # the token was revoked or the user removed
            current.update(current.session.evolve(signed_in=None))
        else:
            current.person = await run_in_threadpool(timeline.person, ctx.uow(), signed_in.user_id)
    return current


async def viewer(current: Annotated[Page, Depends(page)]) -> Page:
    if current.actor is None:
        raise SignInNeeded(current.request.url.path)
    return current


async def form_checked(current: Annotated[Page, Depends(page)]) -> Page:
    """A form post: its CSRF token must match the session's, whoever sends it."""
    sent = current.request.headers.get(sessions.CSRF_HEADER)
    if sent is None:
        form = await current.request.form()
        value = form.get(sessions.CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    sessions.check_csrf(current.session, sent)
    return current


async def header_checked(current: Annotated[Page, Depends(page)]) -> Page:
    """A script's post (uploads): the CSRF token in its header, read before the body."""
    sessions.check_csrf(current.session, current.request.headers.get(sessions.CSRF_HEADER))
    return current


async def acting(current: Annotated[Page, Depends(form_checked)]) -> Page:
    if current.actor is None:
        raise SignInNeeded(PREFIX)
    return current


AnyPage = Annotated[Page, Depends(page)]
Viewer = Annotated[Page, Depends(viewer)]
Acting = Annotated[Page, Depends(acting)]
FormPage = Annotated[Page, Depends(form_checked)]
ScriptPost = Annotated[Page, Depends(header_checked)]


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _error_page(
    original: Callable[..., Any],
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, error: Exception) -> Response:
        if not request.url.path.startswith(PREFIX) or not isinstance(error, DossierError):
            answer: Response = await original(request, error)
            return answer
        current = await page(request, request.app.state.context)
        code = getattr(error, "reason", None) or error.code
        message = current.t.sentence(code, error.message) or error.message
        status = status_of(error)
        if _wants_json(request):
            body = {"error": {**error.to_dict(), "message": message}}
            return JSONResponse(body, status_code=status)
        return current.render("error.html", status_code=status, message=message, code=code)

    return handle


async def _to_sign_in(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInNeeded)
    if _wants_json(request):
        return JSONResponse({"error": {"code": "unauthenticated"}}, status_code=401)
    return RedirectResponse(f"{PREFIX}/sign-in?next={quote(error.next_path)}", status_code=303)


def _invalid_form(
    original: Callable[..., Any],
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, error: Exception) -> Response:
        if not request.url.path.startswith(PREFIX) or _wants_json(request):
            answer: Response = await original(request, error)
            return answer
        current = await page(request, request.app.state.context)
        message = current.t("The request is not valid.")
        return current.render("error.html", status_code=422, message=message, code="invalid")

    return handle


def install(app: FastAPI) -> None:
    """Console errors as pages; the API's stay JSON."""
    app.add_exception_handler(SignInNeeded, _to_sign_in)
    original = app.exception_handlers[DossierError]
    app.add_exception_handler(DossierError, _error_page(original))
    invalid = app.exception_handlers[RequestValidationError]
    app.add_exception_handler(RequestValidationError, _invalid_form(invalid))
