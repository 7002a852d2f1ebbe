"""`dossier documents retry|resend` and `dossier lifecycle jobs`: sending documents for
extraction again, and a file's job list, through the same services as the API."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from app.cli import support
from app.cli.support import AsUser, FileId

documents_cli = typer.Typer(help="Send documents for extraction again.")


@documents_cli.command("retry")
def retry(
    document: Annotated[uuid.UUID, typer.Argument(help="Document id.")], as_user: AsUser
) -> None:
    """Send a document that failed, or was skipped for a reason that no longer holds,
    for extraction again. Exits 1, changing nothing, when that is not allowed now."""
    from app.errors import DossierError
    from app.services import retries

    runtime = support.runtime(messages=True)
    actor = support.actor(runtime, as_user)
    try:
        result = retries.retry(
            runtime.uow(), job_id=uuid.uuid4(), actor_id=actor.user_id, document_id=document
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    support.report(result.job_id, result.status, result.counts, result.message)


@documents_cli.command("resend")
def resend(
    client_file: FileId,
    as_user: AsUser,
    which: Annotated[str, typer.Option(help="failed or skipped.")] = "failed",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only count them; change nothing.")
    ] = False,
) -> None:
    """Send all of a file's failed (or skipped) documents for extraction again."""
    from app.domain.retries import Which
    from app.errors import DossierError
    from app.services import retries

    if which not in {str(choice) for choice in Which}:
        raise support.fail("--which must be 'failed' or 'skipped'.")
    runtime = support.runtime(messages=not dry_run)
    actor = support.actor(runtime, as_user)
    try:
        result = retries.resend(
            runtime.uow(),
            job_id=uuid.uuid4(),
            actor_id=actor.user_id,
            client_file_id=client_file,
            which=Which(which),
            dry_run=dry_run,
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    if dry_run:
        typer.echo(f"{result.counts['documents']} {which} document(s) would be sent again")
        return
    support.report(result.job_id, result.status, result.counts, result.message)


def list_jobs(
    client_file: FileId,
    as_user: AsUser,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """List a file's lifecycle jobs, newest first, as its user sees them."""
    from app.errors import DossierError
    from app.services import browse

    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    try:
        page = browse.job_page(runtime.uow(), actor, client_file, limit=limit, offset=offset)
    except DossierError as error:
        raise support.fail(error.message) from None
    for job in page.items:
        counts = ", ".join(f"{name} {count}" for name, count in sorted(job.counts.items()))
        outcome = f" ({job.reason})" if job.reason else ""
        typer.echo(
            f"{job.created_at:%Y-%m-%d %H:%M:%S} {job.id} {job.action} {job.status}"
            f"{outcome} {counts}".rstrip()
        )
    typer.echo(f"{len(page.items)} of {page.total} job(s)")


def register(cli: typer.Typer, lifecycle_cli: typer.Typer) -> None:
    cli.add_typer(documents_cli, name="documents")
    lifecycle_cli.command("jobs")(list_jobs)
