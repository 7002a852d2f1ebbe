"""The console in a real browser: Debian's chromium driven by Playwright, against the web
process (uvicorn, as the Procfile starts it, on a free port) and a real Celery worker on
every queue, over PostgreSQL and Redis of their own. Screenshots of each main page go to
`tests/browser/artefacts/` (not committed). Skipped when chromium, Playwright or the
services are missing, unless DOSSIER_REQUIRE_SERVICES=1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import build_runtime
from app.local import wait_for_worker, worker_command
from tests.api.fakes import FakeDispatcher
from tests.e2e.conftest import (
    Deployment,
    free_port,
    ready,
    scratch_services,
    start_logged,
    wait_until,
    web_command,
)
from tests.support import services
from worker.celery_app import create_celery

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).parent / "artefacts"


def _require_browser() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        services.unavailable("Playwright", error)
    if not CHROMIUM.exists():
        services.unavailable(str(CHROMIUM), FileNotFoundError("apt-get install chromium"))
    return sync_playwright


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    state = tmp_path_factory.mktemp("console")
    with scratch_services(state, "console") as (stack, env, settings):
        port, hostname = free_port(), f"console-{uuid.uuid4().hex[:6]}@dossier-test"
        start_logged(stack, state, "web", web_command(port), env)
        start_logged(stack, state, "worker", worker_command(hostname, concurrency=2), env)
        base_url = f"http://127.0.0.1:{port}"
        wait_until(lambda: ready(base_url), "the web process to be ready")
        wait_for_worker(create_celery(settings), hostname)
        runtime = build_runtime(settings, FakeDispatcher())
        stack.callback(runtime.close)
        yield Deployment(base_url, runtime)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    # Module-scoped: Playwright's synchronous API runs an event loop in the main thread
    # while it is open, and tests collected after the browser's (asyncio.run) need none.
    sync_playwright = _require_browser()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(exist_ok=True)
    return ARTEFACTS
