"""A bound on request bodies other than uploads: JSON bodies here are a few fields, so
nobody gets to make the web process hold megabytes of them. Uploads bound themselves
while streaming (see `uploads`)."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_BODY_LIMIT = 64 * 1024
_UPLOAD_PATH = re.compile(r"^/v1/client-files/[^/]+/documents/?$")


def _too_large() -> HTTPException:
    return HTTPException(413, f"The request body is larger than {JSON_BODY_LIMIT} bytes.")


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int = JSON_BODY_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            scope["method"] == "POST" and _UPLOAD_PATH.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        received = 0

        async def bounded() -> Message:
            # Raised while the endpoint reads its body, so FastAPI answers it as a 413.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _too_large()
            return message

        await self.app(scope, bounded, send)
