"""`dossier export`: bundle a client file into a zip, in this process."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Annotated

import typer

from app.cli import support


def export_command(
    client_file: Annotated[uuid.UUID, typer.Argument(help="Client file id.")],
    as_user: Annotated[str, typer.Option("--as", help="E-mail of the practice staff member.")],
    out: Annotated[Path, typer.Option(help="Where to write the zip.", dir_okay=False)],
) -> None:
    """Write the file's originals, extracted data (CSV, JSON) and a manifest with checksums
    into a zip, with a progress bar; the export is also kept for the API to download."""
    from rich.progress import Progress

    from app.errors import DossierError
    from app.services import exports

    if not out.parent.is_dir():
        # Said before the bundle is built, not after minutes of work with nowhere to put it.
        raise support.fail(f"No directory {out.parent} to write {out.name} in.")
    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    try:
        asked = exports.request(runtime.uow(), client_file_id=client_file, actor=actor, send=False)
        with Progress() as progress:
            bar = progress.add_task("Exporting documents", total=asked.documents_total or None)
            built = exports.build(
                runtime.uow(),
                runtime.blobs,
                asked.id,
                on_progress=lambda done, total: progress.update(bar, completed=done, total=total),
            )
            progress.update(bar, completed=built.documents_total)
        stream = exports.download(
            runtime.uow(),
            runtime.blobs,
            actor=actor,
            client_file_id=client_file,
            export_id=asked.id,
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    try:
        with stream, out.open("wb") as target:
            shutil.copyfileobj(stream, target, 1024 * 1024)
    except OSError as error:
        raise support.fail(
            f"Could not write {out}: {error.strerror}. The export {built.id} is kept for "
            "the API to download."
        ) from None
    typer.echo(f"export {built.id}: {built.documents_total} documents, {built.size_bytes} bytes")
    typer.echo(f"sha256 {built.sha256}  {out}")
