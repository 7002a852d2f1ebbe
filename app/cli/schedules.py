"""`dossier schedule`: schedule lifecycle changes, list and cancel them, run the due ones."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli import support

if TYPE_CHECKING:
    from app.services.schedules import ScheduleView

schedule_cli = typer.Typer(help="Lifecycle changes scheduled for later.")

AsUser = Annotated[str, typer.Option("--as", help="E-mail of the user acting.")]
FileId = Annotated[uuid.UUID, typer.Argument(help="Client file id.")]


def _line(item: ScheduleView) -> str:
    outcome = f" ({item.reason}: {item.message})" if item.reason else ""
    return f"{item.id}  {item.run_at.isoformat()}  {item.action:<10}  {item.status}{outcome}"


@schedule_cli.command("add")
def add(
    client_file: FileId,
    action: Annotated[str, typer.Argument(help="deactivate, reactivate, detach or delete.")],
    at: Annotated[datetime, typer.Option("--at", help="When, e.g. 2027-03-01T08:00+01:00.")],
    as_user: AsUser,
    reprocess_skipped: Annotated[
        bool | None,
        typer.Option(help="Reactivate only: send the documents skipped meanwhile again."),
    ] = None,
) -> None:
    """Schedule a lifecycle change; print the schedule's id."""
    from app.domain.model import Action
    from app.errors import DossierError
    from app.services import schedules

    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    params = {} if reprocess_skipped is None else {"reprocess_skipped": reprocess_skipped}
    if action not in {str(choice) for choice in schedules.SCHEDULABLE}:
        names = ", ".join(str(choice) for choice in schedules.SCHEDULABLE)
        raise support.fail(f"Only these actions can be scheduled: {names}.")
    try:
        recorded = schedules.schedule(
            runtime.uow(),
            client_file_id=client_file,
            actor_id=actor.user_id,
            action=Action(action),
            run_at=at,
            params=params,
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    typer.echo(recorded.id)


@schedule_cli.command("list")
def list_(client_file: FileId, as_user: AsUser) -> None:
    """The file's scheduled actions, soonest first, with their outcome."""
    from app.errors import DossierError
    from app.services import schedules

    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    try:
        items = schedules.list_for_file(runtime.uow(), actor=actor, client_file_id=client_file)
    except DossierError as error:
        raise support.fail(error.message) from None
    for item in items:
        typer.echo(_line(item))
    if not items:
        typer.echo("no scheduled actions")


@schedule_cli.command("cancel")
def cancel(
    client_file: FileId,
    schedule_id: Annotated[uuid.UUID, typer.Argument(help="Schedule id.")],
    as_user: AsUser,
) -> None:
    """Cancel a scheduled action that has not run yet."""
    from app.errors import DossierError
    from app.services import schedules

    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    try:
        item = schedules.cancel(
            runtime.uow(), actor=actor, client_file_id=client_file, schedule_id=schedule_id
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    typer.echo(_line(item))


@schedule_cli.command("run-due")
def run_due() -> None:
    """Run the scheduled actions that are due now, in this process (beat does this every
    minute; safe beside it: a schedule runs once)."""
    from datetime import timedelta

    from app.services import due_actions

    runtime = support.runtime(messages=True)
    report = due_actions.run_due(
        runtime.uow(),
        runtime.blobs,
        stale_after=timedelta(seconds=runtime.settings.broker_visibility_timeout_seconds),
        delete_batch_size=runtime.settings.delete_batch_size,
    )
    typer.echo(
        f"{report.done} done, {report.refused} refused, {report.failed} failed, "
        f"{report.retrying} to retry"
    )
