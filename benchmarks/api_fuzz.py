"""schemathesis against a served Dossier API (docs/api.md, "Bad input"): `--checks all`,
once with a staff token, once with a client token and once with none.

    .venv/bin/python benchmarks/api_fuzz.py [--max-examples 30]

The API runs in this process's child (uvicorn) on a fresh SQLite file, with a dispatcher
that keeps no messages; a practice, a staff member, a client user and their files are
made first. Prints one summary line per caller and exits 1 if any check failed."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class NoDispatch:
    def send(self, messages: list[object]) -> None:
        return None

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        return 0


def serve(port: int) -> None:
    """The child: the API on `port`, over the settings in the environment."""
    import uvicorn

    from app.bootstrap import build_runtime
    from app.config import get_settings
    from app.web import create_app

    runtime = build_runtime(get_settings(), NoDispatch())  # type: ignore[arg-type]
    app = create_app(runtime, broker_check=lambda: None)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def prepare() -> dict[str, str]:
    """Migrate; a practice with a staff member, two files and a client user; tokens."""
    import re
    from datetime import timedelta

    from app.bootstrap import build_runtime
    from app.config import get_settings
    from app.persistence.mail import Outbox
    from app.persistence.migrate import upgrade
    from app.services import admin, invitations, tokens

    settings = get_settings()
    upgrade(settings.database_url)
    runtime = build_runtime(settings, NoDispatch())  # type: ignore[arg-type]
    practice = admin.create_practice(runtime.uow(), "Fuzz Practice")
    staff = admin.create_staff_user(runtime.uow(), practice, "Staff", "staff@fuzz.test")
    shared = admin.create_client_file(runtime.uow(), practice, "Shared")
    admin.create_client_file(runtime.uow(), practice, "Own")
    invitations.invite(
        runtime.uow(),
        client_file_id=shared,
        actor_id=staff,
        email="client@fuzz.test",
        ttl=timedelta(days=1),
        accept_url="http://fuzz.test/v1/invitations/accept",
    )
    with runtime.uow() as uow:
        [letter] = Outbox(uow.session).latest(1, "client@fuzz.test")
        code = re.search(r"inv_[A-Za-z0-9_-]+", letter.body)
        assert code is not None
    client_id = invitations.accept(runtime.uow(), code.group(0)).user_id
    issued = {
        "staff": tokens.issue(runtime.uow(), staff).secret,
        "client": tokens.issue(runtime.uow(), client_id).secret,
    }
    runtime.close()
    return issued


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the API did not start")


def fuzz(url: str, token: str | None, max_examples: int) -> int:
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "--no-color",
        "run",
        url,
        "--checks",
        "all",
        "--max-examples",
        str(max_examples),
        "--seed",
        "14",
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    return subprocess.run(command, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve)
        return 0
    state = Path(tempfile.mkdtemp(prefix="dossier-fuzz-"))
    os.environ.update(
        DOSSIER_DATABASE_URL=f"sqlite:///{state / 'fuzz.db'}",
        DOSSIER_STORAGE_DIR=str(state / "blobs"),
        DOSSIER_EMBEDDED_DIR=str(state / "var"),
    )
    issued = prepare()
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        wait_until_up(port)
        url = f"http://127.0.0.1:{port}/openapi.json"
        results = {
            who: fuzz(url, issued.get(who), options.max_examples)
            for who in ("staff", "client", "none")
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    for who, code in results.items():
        print(f"{who}: {'0 failures' if code == 0 else f'failures (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
