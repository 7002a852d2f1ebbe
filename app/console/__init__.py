"""The practice console: server-rendered pages over the services the API uses, in French
and English, with a little JavaScript as progressive enhancement (`static/console.js`,
served by the app; no CDN, no build step)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.console import (
    clients,
    manage,
    requests,
    retention,
    signin,
    web,
    welcome,
    wording,
    work,
)

STATIC = web.HERE / "static"


def install(app: FastAPI) -> None:
    web.install(app)
    web.TEMPLATES.globals["wording"] = wording
    for module in (signin, welcome, clients, manage, requests, retention, work):
        app.include_router(module.router)
    app.mount(f"{web.PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
