"""The console's session: a signed cookie every web process can verify with the shared key,
so any process answers any request and nothing lives in one process's memory.

The cookie holds who signed in and with what (a token id, or none for other ways in), the
CSRF token of the session and the chosen language; never a secret. It is HttpOnly,
SameSite=Lax and Secure. Every state-changing request carries the CSRF token, in a form
field or the `X-CSRF-Token` header, and is refused without it."""

from __future__ import annotations

import hmac
import os
import secrets
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.config import Settings, ensure_directory
from app.errors import Forbidden
from app.services.tokens import SignIn

COOKIE = "dossier_console"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
KEY_FILE = "console.key"


class CsrfRefused(Forbidden):
    code = "csrf_refused"


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    csrf: str
    signed_in: SignIn | None = None
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        who = self.signed_in
        return {
            "c": self.csrf,
            "u": str(who.user_id) if who else None,
            "t": str(who.token_id) if who and who.token_id else None,
            "l": self.language,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConsoleSession:
        user, token = data.get("u"), data.get("t")
        signed_in = SignIn(uuid.UUID(user), uuid.UUID(token) if token else None) if user else None
        return cls(str(data["c"]), signed_in, data.get("l"))

    def evolve(self, **changes: Any) -> ConsoleSession:
        return replace(self, **changes)


def fresh() -> ConsoleSession:
    return ConsoleSession(csrf=secrets.token_urlsafe(32))


def console_key(settings: Settings) -> str:
    """The configured key, or one made once and kept beside the embedded broker's state,
    where every process of one machine finds it."""
    if settings.console_secret:
        return settings.console_secret
    folder = ensure_directory(settings.embedded_dir, "DOSSIER_EMBEDDED_DIR")
    path = folder / KEY_FILE
    if not path.exists():
        _write_key_once(path)
    return path.read_text().strip()


def _write_key_once(path: Path) -> None:
    # O_EXCL: two processes starting at once keep the key of whichever wrote first.
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "w") as out:
        out.write(secrets.token_urlsafe(48))


class SessionCodec:
    def __init__(self, settings: Settings) -> None:
        self.serializer = URLSafeTimedSerializer(console_key(settings), salt="dossier.console")
        self.max_age = int(settings.console_session_hours * 3600)
        self.secure = settings.console_secure_cookies

    def read(self, request: Request) -> ConsoleSession | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            return ConsoleSession.from_dict(self.serializer.loads(raw, max_age=self.max_age))
        except (BadSignature, KeyError, ValueError, TypeError):
            return None

    def write(self, response: Response, session: ConsoleSession) -> None:
        response.set_cookie(
            COOKIE,
            self.serializer.dumps(session.to_dict()),
            max_age=self.max_age,
            path="/console",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )


def check_csrf(session: ConsoleSession, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise CsrfRefused("This form has expired or did not come from Dossier. Try again.")
