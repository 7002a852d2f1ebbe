"""`dossier serve` on the embedded defaults: from a bootstrap to an extracted upload over
HTTP, and Ctrl-C leaves nothing running. Needs no installed service."""

from __future__ import annotations

import json
import os
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


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        "DOSSIER_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "DOSSIER_BROKER_URL": "embedded",
        "DOSSIER_BROKER_KEY_PREFIX": "",
        "DOSSIER_STORAGE_DIR": str(tmp_path / "blobs"),
        "DOSSIER_EMBEDDED_DIR": str(tmp_path / "state"),
    }


def _pids_with(marker: str) -> list[int]:
    """Processes whose command line holds `marker`: the ones this serve started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in command:
                found.append(int(entry.name))
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[bytes]]]:
    env = _environment(tmp_path)
    bootstrap = subprocess.run(
        [sys.executable, "-m", "app.cli", "admin", "bootstrap"],
        env={**os.environ, **env},
        capture_output=True,
        check=True,
    )
    exports = dict(re.findall(r"export (DOSSIER_\w+)=(\S+)", bootstrap.stdout.decode()))
    port = free_port()
    log = (tmp_path / "serve.log").open("ab")
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    process = start(command, env, log)
    try:
        yield f"http://127.0.0.1:{port}", exports, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        for pid in _pids_with(f"serve-{port}@") + _pids_with(str(tmp_path / "state")):
            os.kill(pid, signal.SIGKILL)
        broker = tmp_path / "state" / "redis.json"
        if broker.exists():
            os.kill(int(json.loads(broker.read_text())["pid"]), signal.SIGTERM)
        log.close()


def test_serve_runs_web_worker_and_beat_and_stops_them_all(
    served: tuple[str, dict[str, str], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    base_url, exports, process = served
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

    port = base_url.rsplit(":", 1)[1]
    assert _pids_with(f"serve-{port}@") == [], "the worker outlived dossier serve"
    assert _pids_with(str(tmp_path / "state" / "schedule")) == [], "beat outlived serve"
    assert not (tmp_path / "state" / "redis.json").exists(), "the embedded broker is running"
