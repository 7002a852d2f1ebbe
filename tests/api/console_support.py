"""Driving the console in process: a browser-like client over HTTPS (the session cookie is
Secure), signed in with a personal token through the sign-in form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.web import create_app

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


class Browser:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def open(self, path: str, **headers: str) -> str:
        response = self.client.get(path, headers=headers)
        if "text/html" in response.headers.get("content-type", ""):
            self.csrf = csrf_of(response.text)
        return response.text

    def sign_in(self, token: str) -> int:
        self.open("/console/sign-in")
        response = self.client.post(
            "/console/sign-in",
            data={"token": token, "csrf_token": self.csrf, "next": "/console/clients"},
            follow_redirects=False,
        )
        if response.status_code == 303:
            self.open("/console/clients")  # the session's own CSRF token
        return response.status_code

    def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True) -> int:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return self.client.post(path, data=form, follow_redirects=False).status_code


@contextmanager
def browser(runtime: Runtime, *, language: str = "en") -> Iterator[Browser]:
    app = create_app(runtime, broker_check=lambda: None)
    headers = {"Accept-Language": language}
    with TestClient(app, base_url="https://testserver", headers=headers) as client:
        yield Browser(client)
