"""`dossier serve` on the embedded defaults: from a bootstrap to an extracted upload over
HTTP, and Ctrl-C leaves nothing running. Needs no installed service. It serves the state
directory as `dossier demo --keep` leaves it (`--state`), and prints the console's address
and a personal token to sign in with (`--sign-in`)."""

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
        # Laid out as a kept demo leaves it: dossier.db at the top of the directory.
        bootstrap = dossier(env, "admin", "bootstrap")
        assert bootstrap.returncode == 0, bootstrap.stderr
        exports = dict(re.findall(r"export (DOSSIER_\w+)=(\S+)", bootstrap.stdout))
        port = free_port()
        command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
        command += ["--state", str(tmp_path), "--sign-in", "me@practice.test"]
        elsewhere = {**env, "DOSSIER_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
        with (tmp_path / "serve.log").open("ab") as log:
            process = start(command, elsewhere, log)
        yield f"http://127.0.0.1:{port}", exports, process, scope


def _log(scope: Scope) -> Path:
    assert scope.directory is not None
    return scope.directory / "serve.log"


def test_serve_runs_web_worker_and_beat_and_stops_them_all(
    served: tuple[str, dict[str, str], subprocess.Popen[bytes], Scope],
) -> None:
    base_url, exports, process, scope = served
    wait_until(lambda: ready(base_url), "dossier serve to be ready")
    printed = _log(scope).read_text()
    assert f"Console on {base_url}/console" in printed
    sign_in = re.search(r"Sign in as me@practice.test with the token (dos_\S+)", printed)
    assert sign_in, printed
    assert httpx.get(f"{base_url}/console/sign-in", timeout=30).status_code == 200
    listed = httpx.get(
        f"{base_url}/v1/client-files",
        headers={"Authorization": f"Bearer {sign_in.group(1)}"},
        timeout=30,
    )
    assert [item["name"] for item in listed.json()["items"]] == ["First Client"]
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
