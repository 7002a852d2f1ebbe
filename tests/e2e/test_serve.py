"""`dossier serve` on the embedded defaults: from a bootstrap to an extracted upload over
HTTP, and Ctrl-C leaves nothing running. Needs no installed service."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.local import start
from tests.e2e.conftest import free_port, poll, ready, wait_until
from tests.support.embedded import (
    dossier,
    embedded_processes,
    is_redis_server,
    is_supervisor,
    wait_until_nothing_left,
)
from tests.support.leftovers import Scope


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[bytes], Scope]]:
    with embedded_processes(tmp_path) as (env, scope):
        bootstrap = dossier(env, "admin", "bootstrap")
        assert bootstrap.returncode == 0, bootstrap.stderr
        exports = dict(re.findall(r"export (DOSSIER_\w+)=(\S+)", bootstrap.stdout))
        port = free_port()
        command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
        with (tmp_path / "serve.log").open("ab") as log:
            process = start(command, env, log)
        yield f"http://127.0.0.1:{port}", exports, process, scope


def test_serve_runs_web_worker_and_beat_and_stops_them_all(
    served: tuple[str, dict[str, str], subprocess.Popen[bytes], Scope],
) -> None:
    base_url, exports, process, scope = served
    wait_until(lambda: ready(base_url), "dossier serve to be ready")
    headers = {"Authorization": f"Bearer {exports['DOSSIER_TOKEN']}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as api:
        files = {"file": ("r.txt", b"Cafe du Port\nTotal 3.20 EUR\n", "text/plain")}
        uploaded = api.post(f"/v1/client-files/{exports['DOSSIER_FILE']}/documents", files=files)
        assert uploaded.status_code == 202, uploaded.text
        document = poll(
            api, f"/v1/documents/{uploaded.json()['id']}", lambda d: d["status"] == "extracted"
        )
    assert document["engine"]

    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)

    # serve stops its worker and beat before it exits; the broker follows by itself.
    left = [p for p in scope.processes() if not (is_redis_server(p) or is_supervisor(p))]
    assert left == [], "the worker or beat outlived dossier serve"
    assert wait_until_nothing_left(scope) == [], "the embedded broker outlived serve"
