"""`dossier db`: the database schema, and repairs of what older versions stored."""

from __future__ import annotations

import typer

from app.config import get_settings

db = typer.Typer(help="Database schema.")


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
