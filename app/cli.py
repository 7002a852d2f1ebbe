"""The `dossier` command. Each edge registers its own sub-commands here."""

from __future__ import annotations

import typer

from app.api.cli import register
from app.api.cli_support import DossierGroup
from app.config import get_settings
from app.embedded_cli import embedded_cli
from app.extraction.cli import extract_command

cli = typer.Typer(
    help="Dossier: receipt and invoice extraction for accounting practices.",
    cls=DossierGroup,
    # Plain help, wrapped at the terminal's width: Rich's tables cut it at 80 columns.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
db = typer.Typer(help="Database schema.")
cli.add_typer(db, name="db")
cli.add_typer(embedded_cli, name="embedded")
register(cli)  # admin, serve, upload, lifecycle
cli.command("extract")(extract_command)


@db.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision.")) -> None:
    """Apply the database migrations (run before starting web, worker or beat)."""
    from app.persistence.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@db.command("repair")
def db_repair() -> None:
    """Bring stored times no reader can load (e.g. a hold until the year 10000) back within
    bounds, and replace exception text in document reasons by codes. Safe to run at any
    time; prints what it changed."""
    from app.persistence.db import make_engine
    from app.persistence.repair import repair_instants, repair_reasons

    engine = make_engine(get_settings().database_url)
    try:
        repaired = repair_instants(engine) + repair_reasons(engine)
    finally:
        engine.dispose()
    for item in repaired:
        typer.echo(str(item))
    typer.echo(f"{sum(item.rows for item in repaired)} row(s) repaired")


@cli.command("demo")
def demo(
    keep: bool = typer.Option(False, "--keep", help="Keep the temporary state directory."),
) -> None:
    """Run the demo story on the embedded defaults, in a fresh temporary directory."""
    from app.demo import run

    raise typer.Exit(run(keep=keep))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
