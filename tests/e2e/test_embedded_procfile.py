"""Nothing is left running on the embedded defaults: the Procfile's processes share one
embedded broker and, SIGKILLed after an upload, take it with them; the demo, finished or
SIGKILLed half-way, leaves no process behind. Needs no installed service."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from app import embedded
from app.local import start
from tests.e2e.conftest import (
    free_port,
    in_this_environment,
    poll,
    procfile,
    ready,
    wait_until,
    with_option,
)
from tests.support.embedded import (
    dossier,
    redis_servers,
    wait_until_nothing_left,
)
from tests.support.leftovers import Scope

EmbeddedEnv = tuple[dict[str, str], Scope]


def _start_procfile(env: dict[str, str], tmp: Path, port: int) -> list[subprocess.Popen[bytes]]:
    """web, worker, extractor and beat as the Procfile starts them, all at once, each on
    its own."""
    commands = procfile()
    web = with_option(with_option(commands["web"], "--port", str(port)), "--host", "127.0.0.1")
    worker = with_option(commands["worker"], "--hostname", f"procfile-{uuid.uuid4().hex[:6]}@test")
    extractor = with_option(
        with_option(commands["extractor"], "--hostname", f"extractor-{uuid.uuid4().hex[:6]}@test"),
        "--concurrency",
        "1",
    )
    roles = (("web", web), ("worker", worker), ("extractor", extractor), ("beat", commands["beat"]))
    started = []
    for role, command in roles:
        with open(tmp / f"{role}.log", "ab") as log:
            started.append(start(in_this_environment(command), env, log))
    return started


def _upload_extracted(base_url: str, exports: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {exports['DOSSIER_TOKEN']}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as api:
        files = {"file": ("r.txt", b"Cafe du Port\nTotal 3.20 EUR\n", "text/plain")}
        uploaded = api.post(f"/v1/client-files/{exports['DOSSIER_FILE']}/documents", files=files)
        assert uploaded.status_code == 202, uploaded.text
        path = f"/v1/documents/{uploaded.json()['id']}"
        settled = poll(api, path, lambda d: d["status"] in {"extracted", "skipped", "failed"})
        assert settled["status"] == "extracted", settled


def test_procfile_processes_share_one_broker_and_sigkilled_leave_nothing(
    embedded_env: EmbeddedEnv, tmp_path: Path
) -> None:
    variables, scope = embedded_env
    bootstrap = dossier(variables, "admin", "bootstrap")
    assert bootstrap.returncode == 0, bootstrap.stderr
    exports = dict(re.findall(r"export (DOSSIER_\w+)=(\S+)", bootstrap.stdout))
    port = free_port()
    web, worker, extractor, beat = _start_procfile(variables, tmp_path, port)
    wait_until(lambda: ready(f"http://127.0.0.1:{port}"), "the web process to be ready")
    _upload_extracted(f"http://127.0.0.1:{port}", exports)
    state = embedded.status(Path(variables["DOSSIER_EMBEDDED_DIR"]))
    wait_until(lambda: beat.pid in embedded.live_clients(state.directory) or None, "beat")

    assert {web.pid, worker.pid, extractor.pid, beat.pid} <= set(state.clients)
    assert [server.pid for server in redis_servers(scope)] == [state.redis_pid]

    for process in (web, worker, extractor, beat):
        os.killpg(process.pid, signal.SIGKILL)  # each with its children, as a crash would
        process.wait()
    assert wait_until_nothing_left(scope) == []


def _run_demo(env: dict[str, str], tmp: Path) -> subprocess.Popen[bytes]:
    # TMPDIR: the demo's own temporary directory lands where this test can see it.
    code = "import sys; from app.demo.main import run; sys.exit(run())"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, **env, "TMPDIR": str(tmp)},
        stdout=(tmp / "demo.log").open("ab"),
        stderr=subprocess.STDOUT,
    )


def test_the_demo_leaves_nothing_running(embedded_env: EmbeddedEnv, tmp_path: Path) -> None:
    variables, scope = embedded_env

    demo = _run_demo(variables, tmp_path)

    assert demo.wait(timeout=240) == 0, (tmp_path / "demo.log").read_text()[-3000:]
    assert wait_until_nothing_left(scope) == []
    assert list(tmp_path.glob("dossier-demo-*")) == [], "the demo kept its state"


def test_a_sigkilled_demo_leaves_nothing_running(embedded_env: EmbeddedEnv, tmp_path: Path) -> None:
    variables, scope = embedded_env
    demo = _run_demo(variables, tmp_path)

    def worker_running() -> bool | None:
        # The demo itself and its worker both use the broker once the story starts.
        for state_dir in tmp_path.glob("dossier-demo-*/embedded"):
            if len(embedded.status(state_dir).clients) >= 2:
                return True
        return None

    wait_until(worker_running, "the demo's worker", timeout=120)
    demo.kill()
    demo.wait()

    assert wait_until_nothing_left(scope) == []
