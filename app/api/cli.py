"""Operator commands: bootstrap (practice, staff, client file, token), `serve`, bulk
uploads and lifecycle changes. They call the same services as the API, in this process."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from app.bootstrap import Runtime
    from app.domain.model import Actor
    from app.services.messages import TaskMessage

admin = typer.Typer(help="Create practices, staff, client files and API tokens.")
lifecycle_cli = typer.Typer(help="Lifecycle changes, run in this process, and their jobs.")

AsUser = Annotated[str, typer.Option("--as", help="E-mail of the user acting.")]
FileId = Annotated[uuid.UUID, typer.Argument(help="Client file id.")]


def _runtime(*, messages: bool) -> Runtime:
    """Wiring for one command; only commands that send work connect to the broker."""
    from app.bootstrap import build_runtime
    from app.config import get_settings

    settings = get_settings()
    if not messages:
        return build_runtime(settings, NoMessages())
    from worker.celery_app import create_celery
    from worker.dispatch import CeleryDispatcher

    return build_runtime(settings, CeleryDispatcher(create_celery(settings)))


class NoMessages:
    def send(self, messages: list[TaskMessage]) -> None:
        raise RuntimeError("this command sends no messages")

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        return 0


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def _actor(runtime: Runtime, email: str) -> Actor:
    with runtime.uow() as uow:
        user = uow.users.by_email(email.strip().lower())
        actor = uow.users.actor(user.id) if user else None
    if actor is None:
        raise _fail(f"No user with the e-mail address {email}.")
    return actor


@admin.command("practice")
def create_practice(name: Annotated[str, typer.Argument(help="The practice's name.")]) -> None:
    """Create a practice; print its id."""
    from app.services import admin as service

    typer.echo(service.create_practice(_runtime(messages=False).uow(), name))


@admin.command("staff")
def create_staff(
    practice: Annotated[uuid.UUID, typer.Option(help="Practice id.")],
    email: Annotated[str, typer.Option(help="E-mail address (the login).")],
    name: Annotated[str, typer.Option(help="Full name.")],
    is_admin: Annotated[
        bool, typer.Option("--admin", help="An admin: manages the practice's staff.")
    ] = False,
) -> None:
    """Create a member of a practice's staff; print the user id."""
    from app.services import admin as service

    uow = _runtime(messages=False).uow()
    typer.echo(service.create_staff_user(uow, practice, name, email, is_admin=is_admin))


@admin.command("disable")
def disable_user(email: Annotated[str, typer.Option(help="The user's e-mail address.")]) -> None:
    """Disable a user (staff or client): their tokens stop working at once."""
    from app.errors import DossierError
    from app.services import staff

    try:
        typer.echo(staff.set_disabled(_runtime(messages=False).uow(), email, True))
    except DossierError as error:
        raise _fail(error.message) from None


@admin.command("enable")
def enable_user(email: Annotated[str, typer.Option(help="The user's e-mail address.")]) -> None:
    """Let a disabled user sign in again."""
    from app.errors import DossierError
    from app.services import staff

    try:
        typer.echo(staff.set_disabled(_runtime(messages=False).uow(), email, False))
    except DossierError as error:
        raise _fail(error.message) from None


@admin.command("client-file")
def create_client_file(
    practice: Annotated[uuid.UUID, typer.Option(help="Practice id.")],
    name: Annotated[str, typer.Argument(help="The client business's name.")],
) -> None:
    """Create an active client file in the practice's subscription; print its id."""
    from app.services import admin as service

    typer.echo(service.create_client_file(_runtime(messages=False).uow(), practice, name))


@admin.command("token")
def create_token(
    email: Annotated[str, typer.Option(help="E-mail of the user the token acts for.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
) -> None:
    """Issue an API token; it is printed once and never stored in clear."""
    from app.services import tokens

    runtime = _runtime(messages=False)
    typer.echo(tokens.issue(runtime.uow(), _actor(runtime, email).user_id, name).secret)


@admin.command("bootstrap")
def bootstrap(
    practice: Annotated[str, typer.Option(help="Practice name.")] = "My Practice",
    email: Annotated[str, typer.Option(help="Staff e-mail.")] = "me@practice.test",
    name: Annotated[str, typer.Option(help="Staff name.")] = "Practice Owner",
    client: Annotated[str, typer.Option(help="First client file's name.")] = "First Client",
) -> None:
    """Practice + staff user + client file + token in one go, printed as shell variables."""
    from app.persistence.migrate import upgrade
    from app.services import admin as service
    from app.services import tokens

    runtime = _runtime(messages=False)
    upgrade(runtime.settings.database_url)
    practice_id = service.create_practice(runtime.uow(), practice)
    user_id = service.create_staff_user(runtime.uow(), practice_id, name, email, is_admin=True)
    file_id = service.create_client_file(runtime.uow(), practice_id, client)
    secret = tokens.issue(runtime.uow(), user_id, "bootstrap").secret
    typer.echo(f"export DOSSIER_PRACTICE={practice_id}")
    typer.echo(f"export DOSSIER_USER={user_id}")
    typer.echo(f"export DOSSIER_FILE={file_id}")
    typer.echo(f"export DOSSIER_TOKEN={secret}")


def upload(
    client_file: FileId,
    paths: Annotated[list[Path], typer.Argument(help="Files to upload.", exists=True)],
    as_user: AsUser,
) -> None:
    """Upload files into a client file, with a progress bar; exit 1 if any was refused."""
    from rich.progress import track

    from app.errors import DossierError
    from app.services import browse, documents

    runtime = _runtime(messages=True)
    actor = _actor(runtime, as_user)
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


def _change(client_file: uuid.UUID, as_user: str, action_name: str, **params: bool) -> None:
    from app.services import commands

    runtime = _runtime(messages=True)
    command = commands.command_for(
        action_name,
        client_file_id=client_file,
        actor_id=_actor(runtime, as_user).user_id,
        params=params,
    )
    result = commands.run(runtime.uow(), runtime.blobs, command, job_id=uuid.uuid4())
    _report(result.job_id, result.status, result.counts, result.message)


def _report(job_id: uuid.UUID, status: str, counts: dict[str, int], message: str | None) -> None:
    typer.echo(f"job {job_id}: {status}")
    for name, count in sorted(counts.items()):
        typer.echo(f"  {name}: {count}")
    if message:
        raise _fail(message)


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
    from app.api.cli_support import LazyProgress
    from app.services import commands

    runtime = _runtime(messages=True)
    command = commands.Delete(client_file_id=client_file, actor_id=_actor(runtime, as_user).user_id)
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
    _report(result.job_id, result.status, result.counts, result.message)


@lifecycle_cli.command("job")
def show_job(job_id: Annotated[uuid.UUID, typer.Argument(help="Lifecycle job id.")]) -> None:
    """Show a lifecycle job: its status and counts."""
    runtime = _runtime(messages=False)
    with runtime.uow() as uow:
        job = uow.lifecycle.job(job_id)
        if job is None:
            raise _fail(f"No lifecycle job {job_id}.")
        typer.echo(f"{job.action} of client file {job.client_file_id}")
        _report(job.id, job.status, dict(job.counts), job.message)


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

    runtime = _runtime(messages=True)
    count = requests.resend_unclaimed(runtime.uow(), stale_after=timedelta(minutes=older_than))
    typer.echo(f"{count} job(s) sent again")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(envvar="PORT", help="Port to listen on ($PORT when set).")
    ] = 8000,
    concurrency: Annotated[int, typer.Option(help="Extractor processes.")] = 2,
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
    from app.api.serve import run

    run(host=host, port=port, concurrency=concurrency, state=state, sign_in=sign_in)


def register(cli: typer.Typer) -> None:
    from app.api import retention_cli, retries_cli
    from app.api.audit_cli import audit
    from app.api.bulk_cli import bulk_command
    from app.api.exports_cli import export_command
    from app.api.people_cli import staff_cli, tokens_cli
    from app.api.schedules_cli import schedule_cli
    from app.api.webhooks_cli import webhooks_cli

    retention_cli.register(lifecycle_cli)
    retries_cli.register(cli, lifecycle_cli)
    cli.add_typer(admin, name="admin")
    cli.add_typer(lifecycle_cli, name="lifecycle")
    cli.add_typer(schedule_cli, name="schedule")
    cli.add_typer(webhooks_cli, name="webhooks")
    cli.add_typer(tokens_cli, name="tokens")
    cli.add_typer(staff_cli, name="staff")
    cli.command("audit")(audit)
    cli.command("bulk")(bulk_command)
    cli.command("export")(export_command)
    cli.command("upload")(upload)
    cli.command("serve")(serve)
