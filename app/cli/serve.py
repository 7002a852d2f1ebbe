"""`dossier serve`: the processes of the Procfile from one command. The two workers
(`worker`: gate, lifecycle, maintenance; `extractor`: extraction) and beat run as
subprocesses, exactly as the Procfile starts them; web runs in this process.

What a run needs (the demo's state, migrations, uvicorn) is imported when it starts, so
that the other commands do not load it."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from app import local, multiprocess
from app.config import ensure_directory, get_settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(envvar="PORT", min=1, max=65535, help="Port to listen on ($PORT when set)."),
    ] = 8000,
    concurrency: Annotated[int, typer.Option(min=1, help="Extractor processes.")] = 2,
    state: Annotated[
        Path | None,
        typer.Option(help="Serve the state directory `dossier demo --keep` left."),
    ] = None,
    sign_in: Annotated[
        str | None,
        typer.Option("--sign-in", help="Print a personal token for this user's console sign-in."),
    ] = None,
) -> None:
    """Web (API and console), the two workers (worker, extractor) and beat in one command,
    for trying Dossier out.

    Uses the configured database and broker (by default the embedded ones), or those of
    `--state`, and stops every process on Ctrl-C."""
    run(host=host, port=port, concurrency=concurrency, state=state, sign_in=sign_in)


def run(
    *,
    host: str,
    port: int,
    concurrency: int,
    state: Path | None = None,
    sign_in: str | None = None,
) -> None:
    import uvicorn

    from app.persistence.migrate import upgrade

    if state is not None:
        use_state(state)
    address_mail_links(host, port)
    settings = get_settings()
    _refuse_busy_port(host, port)
    upgrade(settings.database_url)
    # Before the worker package loads the metrics: every process started here counts in
    # one directory, so web's /metrics shows the workers' counters too.
    state = ensure_directory(settings.embedded_dir, "DOSSIER_EMBEDDED_DIR")
    multiprocess.fresh_directory(state / "metrics")
    from worker.celery_app import broker_url

    # Started (or joined) here, once; the embedded broker stops by itself once this
    # process, the worker and beat, and any other process using it, are gone.
    broker_url(settings)
    state.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with (
            open(state / "worker.log", "ab") as worker_log,
            open(state / "extractor.log", "ab") as extractor_log,
            open(state / "beat.log", "ab") as beat_log,
        ):
            machine = socket.gethostname()
            worker = local.role_command("worker", f"worker.serve-{port}@{machine}")
            extractor = local.role_command(
                "extractor", f"extractor.serve-{port}@{machine}", concurrency=concurrency
            )
            processes.append(local.start(worker, {}, worker_log))
            processes.append(local.start(extractor, {}, extractor_log))
            processes.append(local.start(local.beat_command(state / "schedule"), {}, beat_log))
            typer.echo(f"worker, extractor and beat started; logs in {state}/*.log")
            typer.echo(f"API on http://{host}:{port} (docs at /docs); Ctrl-C stops everything")
            typer.echo(f"Console on http://{host}:{port}/console")
            if sign_in:
                typer.echo(f"Sign in as {sign_in} with the token {_console_token(sign_in)}")
            uvicorn.run("app.web:web_app", factory=True, host=host, port=port)
    finally:
        for process in processes:
            local.stop(process)


def address_mail_links(host: str, port: int) -> None:
    """The links Dossier mails (invitations, sign-in links) lead to the address served
    here, unless `DOSSIER_PUBLIC_URL` says where people reach it."""
    if os.environ.get("DOSSIER_PUBLIC_URL"):
        return
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    os.environ["DOSSIER_PUBLIC_URL"] = f"http://{shown}:{port}"
    get_settings.cache_clear()


def use_state(state: Path) -> None:
    """Point this process and its children at a state directory `dossier demo --keep`
    left: its SQLite file, its blobs and its own embedded broker."""
    from app.demo.main import demo_environment

    if not (state / "dossier.db").is_file():
        typer.secho(f"{state} holds no dossier.db: not a demo's state.", fg="red", err=True)
        raise typer.Exit(1)
    os.environ.update(demo_environment(state.resolve()))
    get_settings.cache_clear()


def _console_token(email: str) -> str:
    from app.bootstrap import build_runtime
    from app.cli.support import NoMessages
    from app.services import tokens

    runtime = build_runtime(get_settings(), NoMessages())
    try:
        with runtime.uow() as uow:
            user = uow.users.by_email(email.strip().lower())
            user_id = user.id if user else None
        if user_id is None:
            typer.secho(f"No user with the e-mail address {email}.", fg="red", err=True)
            raise typer.Exit(1)
        return tokens.issue(runtime.uow(), user_id, "console").secret
    finally:
        runtime.close()


def _refuse_busy_port(host: str, port: int) -> None:
    # Found before the worker starts, not after, so nothing is left running.
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            typer.secho(f"{host}:{port} is in use; pick another --port.", fg="red", err=True)
            raise typer.Exit(1) from None
