"""A request id for every HTTP request: the caller's `X-Request-ID` when it sent a sane
one (a proxy's, say), else a new one. It is sent back, carried by every log line of the
request, and by every task the request sends (`worker/observability.py`)."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import logs

HEADER = b"x-request-id"
# What a log line may safely carry: no spaces, quotes or control characters.
_SANE = re.compile(rb"[A-Za-z0-9._:-]{1,64}")


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers", [])).get(HEADER, b"")
        request_id = sent.decode() if _SANE.fullmatch(sent) else logs.new_request_id()

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, request_id.encode())]
            await send(message)

        with logs.bound_to(request_id=request_id):
            await self.app(scope, receive, with_id)
