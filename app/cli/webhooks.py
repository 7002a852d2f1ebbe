"""`dossier webhooks`: deliver the due lifecycle events now, and read the delivery log."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli import support

webhooks_cli = typer.Typer(help="Lifecycle events posted to the configured webhook URLs.")


@webhooks_cli.command("deliver")
def deliver() -> None:
    """Post the deliveries that are due, in this process (beat does it every minute)."""
    from app.services import webhooks

    runtime = support.runtime(messages=False)
    report = webhooks.deliver_over_http(runtime.uow(), runtime.settings)
    typer.echo(f"{report.delivered} delivered, {report.retrying} to retry, {report.failed} failed")


@webhooks_cli.command("log")
def show_log(
    limit: Annotated[int, typer.Option(help="How many of the latest deliveries.", min=1)] = 50,
) -> None:
    """The latest deliveries: event, URL, status, attempts, last answer."""

    runtime = support.runtime(messages=False)
    with runtime.uow() as uow:
        for item in uow.webhooks.latest(limit):
            answer = item.last_status_code or item.last_error or "-"
            typer.echo(
                f"{item.created_at:%Y-%m-%d %H:%M:%S}  {item.event_id}  {item.status:<9}  "
                f"{item.attempts} attempt(s)  {answer}  {item.url}"
            )
