"""`dossier embedded status|stop`: the embedded broker of the current DOSSIER_EMBEDDED_DIR."""

from __future__ import annotations

import typer

from app import embedded
from app.config import EMBEDDED, get_settings

embedded_cli = typer.Typer(
    help="The embedded redis-server of DOSSIER_EMBEDDED_DIR (DOSSIER_BROKER_URL=embedded)."
)


@embedded_cli.command("status")
def status() -> None:
    """Whether it runs, where, and which processes use it (exit code 1: not running)."""
    settings = get_settings()
    if settings.broker_url != EMBEDDED:
        typer.echo("DOSSIER_BROKER_URL names a Redis server: the embedded one is not used.")
    found = embedded.status(settings.embedded_dir)
    if not found.running:
        typer.echo(f"not running (state directory {found.directory})")
        raise typer.Exit(1)
    typer.echo(f"running on {found.url} (state directory {found.directory})")
    typer.echo(f"redis-server pid {found.redis_pid}, supervisor pid {found.supervisor_pid}")
    pids = ", ".join(str(pid) for pid in found.clients) or "none (it stops in a moment)"
    typer.echo(f"clients alive: {len(found.clients)}: {pids}")


@embedded_cli.command("stop")
def stop() -> None:
    """Stop it now, even if processes still use it: they lose their broker."""
    directory = get_settings().embedded_dir
    if embedded.stop(directory):
        typer.echo(f"stopped the embedded redis-server of {directory.resolve()}")
    else:
        typer.echo(f"not running (state directory {directory.resolve()})")
