"""`dossier lifecycle`: lifecycle changes, run in this process, and their jobs. They call
the same services as the API."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from app.cli import support
from app.cli.support import AsUser, FileId, LazyProgress

lifecycle_cli = typer.Typer(help="Lifecycle changes, run in this process, and their jobs.")


def _change(client_file: uuid.UUID, as_user: str, action_name: str, **params: bool) -> None:
    from app.services import commands

    runtime = support.runtime(messages=True)
    command = commands.command_for(
        action_name,
        client_file_id=client_file,
        actor_id=support.actor(runtime, as_user).user_id,
        params=params,
    )
    result = commands.run(runtime.uow(), runtime.blobs, command, job_id=uuid.uuid4())
    support.report(result.job_id, result.status, result.counts, result.message)


@lifecycle_cli.command("deactivate")
def deactivate(client_file: FileId, as_user: AsUser) -> None:
    """Suspend extraction for the file; its queued documents are skipped."""
    _change(client_file, as_user, "deactivate")


@lifecycle_cli.command("reactivate")
def reactivate(
    client_file: FileId,
    as_user: AsUser,
    reprocess_skipped: Annotated[
        bool, typer.Option(help="Send the documents skipped while deactivated again.")
    ] = False,
) -> None:
    """Let the file extract again."""
    _change(client_file, as_user, "reactivate", reprocess_skipped=reprocess_skipped)


@lifecycle_cli.command("detach")
def detach(client_file: FileId, as_user: AsUser) -> None:
    """Detach the file from its practice; its client users keep it."""
    _change(client_file, as_user, "detach")


@lifecycle_cli.command("delete")
def delete(client_file: FileId, as_user: AsUser) -> None:
    """Delete the file, every document and blob, in batches, with a progress bar."""
    from app.services import commands

    runtime = support.runtime(messages=True)
    command = commands.Delete(
        client_file_id=client_file, actor_id=support.actor(runtime, as_user).user_id
    )
    with runtime.uow() as uow:
        total = sum(uow.documents.count_by_status(client_file).values())
    with LazyProgress("Deleting documents", total) as bar:
        result = commands.run(
            runtime.uow(),
            runtime.blobs,
            command,
            job_id=uuid.uuid4(),
            delete_batch_size=runtime.settings.delete_batch_size,
            progress=lambda counts: bar.update(counts.get("documents_deleted", 0)),
        )
    support.report(result.job_id, result.status, result.counts, result.message)


@lifecycle_cli.command("job")
def show_job(job_id: Annotated[uuid.UUID, typer.Argument(help="Lifecycle job id.")]) -> None:
    """Show a lifecycle job: its status and counts."""
    runtime = support.runtime(messages=False)
    with runtime.uow() as uow:
        job = uow.lifecycle.job(job_id)
        if job is None:
            raise support.fail(f"No lifecycle job {job_id}.")
        typer.echo(f"{job.action} of client file {job.client_file_id}")
        support.report(job.id, job.status, dict(job.counts), job.message)


@lifecycle_cli.command("resend-pending")
def resend_pending(
    older_than: Annotated[
        int, typer.Option(help="Minutes a requested job may wait before it is sent again.")
    ] = 15,
) -> None:
    """Send again the lifecycle jobs asked for over the API that no worker has picked up
    (a broker that restarted empty loses them). Safe to run at any time."""
    from datetime import timedelta

    from app.services import requests

    runtime = support.runtime(messages=True)
    count = requests.resend_unclaimed(runtime.uow(), stale_after=timedelta(minutes=older_than))
    typer.echo(f"{count} job(s) sent again")
