"""`dossier bulk`: one lifecycle action over many client files, with a dry run."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from app.cli import support


def bulk_command(
    action: Annotated[str, typer.Argument(help="deactivate, reactivate, detach or delete.")],
    client_files: Annotated[list[uuid.UUID], typer.Argument(help="Client file ids.")],
    as_user: Annotated[str, typer.Option("--as", help="E-mail of the user acting.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only say, per file, whether it is allowed.")
    ] = False,
    reprocess_skipped: Annotated[
        bool, typer.Option(help="Reactivate only: send the documents skipped meanwhile again.")
    ] = False,
) -> None:
    """Apply one lifecycle action to many files, each on its own, in this process; print
    each file's outcome. Exits 1 if any file refused it (or, with --dry-run, would)."""
    from app.domain.model import Action
    from app.errors import DossierError
    from app.services import bulk

    if action not in {str(choice) for choice in bulk.BULK_ACTIONS}:
        names = ", ".join(str(choice) for choice in bulk.BULK_ACTIONS)
        raise support.fail(f"Only these actions can be applied in bulk: {names}.")
    runtime = support.runtime(messages=not dry_run)
    actor = support.actor(runtime, as_user)
    params = {"reprocess_skipped": True} if reprocess_skipped else {}
    try:
        if dry_run:
            items = bulk.dry_run(
                runtime.uow(),
                actor_id=actor.user_id,
                action=Action(action),
                client_file_ids=client_files,
            )
        else:
            items = bulk.run_all(
                runtime.uow(),
                runtime.blobs,
                actor_id=actor.user_id,
                action=Action(action),
                client_file_ids=client_files,
                params=params,
                delete_batch_size=runtime.settings.delete_batch_size,
            )
    except DossierError as error:
        raise support.fail(error.message) from None
    for item in items:
        why = f"  {item.reason}: {item.message}" if item.reason else ""
        typer.echo(f"{item.client_file_id}  {item.outcome}{why}")
    typer.echo(", ".join(f"{count} {outcome}" for outcome, count in bulk.summary(items).items()))
    if not all(item.allowed for item in items):
        raise typer.Exit(1)
