"""`dossier outbox`: the mail Dossier wrote, sent or not. Without an SMTP server
(the embedded default) this is where invitations are read."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from app.cli import support

outbox_cli = typer.Typer(
    help="Mail in the outbox: invitations and notices to clients.", invoke_without_command=True
)


@outbox_cli.callback()
def latest(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many of the latest messages.", min=1)] = 20,
    to: Annotated[str | None, typer.Option(help="Only the messages to this address.")] = None,
) -> None:
    """The latest messages: when, to whom, status, attempts, subject."""
    if ctx.invoked_subcommand is not None:
        return
    from app.persistence.mail import Outbox

    runtime = support.runtime(messages=False)
    with runtime.uow() as uow:
        for item in Outbox(uow.session).latest(limit, to.lower() if to else None):
            typer.echo(
                f"{item.created_at:%Y-%m-%d %H:%M:%S}  {item.id}  {item.status:<7}  "
                f"{item.attempts} attempt(s)  {item.to_address}  {item.subject}"
            )


@outbox_cli.command("show")
def show(mail_id: Annotated[uuid.UUID, typer.Argument(help="The message's id.")]) -> None:
    """One message in full, as it is (or would be) sent."""
    from app.persistence.mail import Outbox

    runtime = support.runtime(messages=False)
    with runtime.uow() as uow:
        item = Outbox(uow.session).get(mail_id)
        if item is None:
            typer.echo(f"No message {mail_id} in the outbox.", err=True)
            raise typer.Exit(1)
        typer.echo(f"To: {item.to_address}\nSubject: {item.subject}\nStatus: {item.status}")
        if item.last_error:
            typer.echo(f"Last error: {item.last_error}")
        typer.echo(f"\n{item.body}")


@outbox_cli.command("send")
def send() -> None:
    """Send the messages that are due now, in this process (beat does it regularly)."""
    from app.services import smtp

    runtime = support.runtime(messages=False)
    if not runtime.settings.smtp_host:
        typer.echo("No SMTP server is configured (DOSSIER_SMTP_HOST): mail stays here.")
        raise typer.Exit(1)
    report = smtp.deliver(runtime.uow(), runtime.settings)
    typer.echo(f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed")
