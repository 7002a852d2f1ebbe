"""`dossier upload`: files into a client file, through the same service as the API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli import support
from app.cli.support import AsUser, FileId


def upload(
    client_file: FileId,
    paths: Annotated[list[Path], typer.Argument(help="Files to upload.", exists=True)],
    as_user: AsUser,
) -> None:
    """Upload files into a client file, with a progress bar; exit 1 if any was refused."""
    from rich.progress import track

    from app.errors import DossierError
    from app.services import browse, documents

    runtime = support.runtime(messages=True)
    actor = support.actor(runtime, as_user)
    browse.ensure_visible(runtime.uow(), actor, client_file)  # one line, before any bar
    tally = {"new": 0, "duplicate": 0, "refused": 0}
    for path in track(paths, description="Uploading"):
        if path.stat().st_size > runtime.settings.max_upload_bytes:
            tally["refused"] += 1
            typer.secho(f"{path}: over the upload size limit", fg=typer.colors.RED, err=True)
            continue
        try:
            result = documents.upload(
                runtime.uow(),
                runtime.blobs,
                runtime.settings,
                client_file_id=client_file,
                actor=actor,
                filename=path.name,
                data=path.read_bytes(),
            )
        except DossierError as error:
            tally["refused"] += 1
            typer.secho(f"{path}: {error.message}", fg=typer.colors.RED, err=True)
            continue
        tally["duplicate" if result.duplicate else "new"] += 1
    typer.echo(", ".join(f"{count} {kind}" for kind, count in tally.items()))
    if tally["refused"]:
        raise typer.Exit(1)
