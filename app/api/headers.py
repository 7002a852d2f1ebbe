"""Headers every answer carries, and the `Allow` list of a path.

API answers are personal and change with every lifecycle step: no cache keeps them, no
browser guesses their type, no page frames them. The interactive docs load Swagger UI
and ReDoc from their CDN, so only those pages allow it. The console's pages run only
their own script and style files."""

from __future__ import annotations

import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
DOC_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'none'; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src blob:; connect-src 'self'; frame-ancestors 'none'"
)


# The console's pages: their own scripts, styles and images only; no inline script or
# style, no other site, no framing; forms post only to the console.
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    if path == "/console" or path.startswith("/console/"):
        csp = CONSOLE_CSP
    else:
        csp = DOCS_CSP if path in DOC_PATHS else API_CSP
    return [
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", csp.encode()),
    ]


class SecurityHeaders:
    """Adds the headers to every HTTP answer, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                added = [(name, value) for name, value in extra if name not in names]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, with_headers)


def _method_table(app: Any) -> list[tuple[re.Pattern[str], set[str]]]:
    """(path pattern, methods) of every operation, from the OpenAPI schema: it sees every
    route however routers are nested."""
    table = getattr(app.state, "method_table", None)
    if table is None:
        table = []
        for template, item in app.openapi()["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            methods = {method.upper() for method in item if method.upper() in HTTP_METHODS}
            table.append((pattern, methods | ({"HEAD"} if "GET" in methods else set())))
        app.state.method_table = table
    return table


def allowed_methods(app: Any, path: str) -> list[str]:
    """Every method some route serves at this path (several routes may share one path)."""
    methods: set[str] = set()
    for pattern, served in _method_table(app):
        if pattern.match(path):
            methods |= served
    return sorted(methods | {"OPTIONS"}) if methods else []


class MethodsAllowed:
    """OPTIONS answers 204 with `Allow`; a 405 lists every method of the path, not only
    those of the first route Starlette tried."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        def allow() -> tuple[bytes, bytes]:
            methods = allowed_methods(scope["app"], scope["path"])
            return b"allow", ", ".join(methods).encode()

        if scope["method"] == "OPTIONS" and (header := allow())[1]:
            await send({"type": "http.response.start", "status": 204, "headers": [header]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def fixed(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message["headers"] = [*kept, allow()]
            await send(message)

        await self.app(scope, receive, fixed)
