"""Every error leaves the API as `{"error": {"code", "message", ...ids}}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.schemas import PATTERN_WORDS
from app.errors import (
    ActionRefused,
    DossierError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    UnreadableDocument,
    UnsupportedFileType,
    UploadTooLarge,
)

log = logging.getLogger("dossier.api")

UNEXPECTED = (
    "Dossier could not complete this request because of an error on its side; the error "
    "has been logged. Try again later."
)


class Unauthenticated(DossierError):
    code = "unauthenticated"


class ServiceUnavailable(DossierError):
    code = "unavailable"


# Most specific first: UploadTooLarge is also an InvalidInput.
STATUS: tuple[tuple[type[DossierError], int], ...] = (
    (Unauthenticated, 401),
    (UploadTooLarge, 413),
    (UnsupportedFileType, 415),
    (InvalidInput, 422),
    (UnreadableDocument, 422),
    (NotFound, 404),
    (Forbidden, 403),
    (ActionRefused, 409),
    (RateLimited, 429),
    (ServiceUnavailable, 503),
)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


def status_of(error: DossierError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 400)


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


async def _dossier_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DossierError)
    status = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(error, RateLimited):
        headers = {"Retry-After": str(error.retry_after)}
    return JSONResponse({"error": error.to_dict()}, status_code=status, headers=headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        {
            "where": ".".join(str(part) for part in problem.get("loc", ())),
            "problem": _in_words(problem),
        }
        for problem in error.errors()
    ]
    body = error_body("invalid_input", "The request is not valid.", problems=problems)
    return JSONResponse(body, status_code=422)


def _in_words(problem: Any) -> str:
    """Pydantic's sentence, but a missed pattern says what is wanted, not the pattern."""
    if problem.get("type") == "string_pattern_mismatch":
        pattern = (problem.get("ctx") or {}).get("pattern")
        if pattern in PATTERN_WORDS:
            return PATTERN_WORDS[pattern]
    return str(problem.get("msg", ""))


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 400 and isinstance(error.__cause__, UnicodeDecodeError):
        # A body that is not UTF-8 is malformed JSON like any other: a 422, not a 400.
        problem = {"where": "body", "problem": "JSON must be encoded in UTF-8."}
        body = error_body("invalid_input", "The request is not valid.", problems=[problem])
        return JSONResponse(body, status_code=422)
    code = HTTP_CODES.get(error.status_code, "http_error")
    return JSONResponse(
        error_body(code, _said(request, error)),
        status_code=error.status_code,
        headers=error.headers,
    )


def _said(request: Request, error: HTTPException) -> str:
    """The router's bare "Not Found" and "Method Not Allowed" said as what was asked."""
    asked = f"{request.method} {request.url.path}"
    if error.status_code == 404 and error.detail == "Not Found":
        if request.url.path.startswith("/v1/"):
            return f"No such endpoint: {asked}. The API's routes are listed at /docs."
        return f"Nothing here: {asked}."
    if error.status_code == 405 and error.detail == "Method Not Allowed":
        # `headers.MethodsAllowed` writes every method of the path into `Allow`.
        return (
            f"{request.url.path} does not take {request.method}; "
            "the answer's Allow header lists the methods it takes."
        )
    return str(error.detail)


class UnexpectedErrors:
    """Answer an unhandled exception as a 500 in the documented error shape, after logging
    its traceback, instead of the server's plain-text page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for another answer: the server closes the connection
                raise
            body = error_body("internal_error", UNEXPECTED)
            await JSONResponse(body, status_code=500)(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_middleware(UnexpectedErrors)
    app.add_exception_handler(DossierError, _dossier_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
