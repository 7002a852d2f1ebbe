"""`dossier lifecycle hold|release-hold|cancel-deletion`: retention holds and the deletion
grace period, from the command line."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli import support

if TYPE_CHECKING:
    from app.services.holds import HoldView

AsUser = Annotated[str, typer.Option("--as", help="E-mail of the user acting.")]
FileId = Annotated[uuid.UUID, typer.Argument(help="Client file id.")]


def _show(view: HoldView) -> None:
    if view.until is None:
        typer.echo(f"client file {view.client_file_id}: no retention hold")
    else:
        state = "active" if view.active else "ended"
        typer.echo(
            f"client file {view.client_file_id}: hold until {view.until.isoformat()} "
            f"({view.reason}), {state}"
        )


def hold(
    client_file: FileId,
    reason: Annotated[str, typer.Option(help="Why the file must be kept.")],
    until: Annotated[datetime, typer.Option(help="End of the hold, e.g. 2030-01-01T00:00Z.")],
    as_user: AsUser,
) -> None:
    """Place a retention hold: the file cannot be deleted before it ends."""
    from app.errors import DossierError
    from app.services import holds

    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    try:
        view = holds.place(
            runtime.uow(),
            client_file_id=client_file,
            actor_id=actor.user_id,
            reason=reason,
            until=until,
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    _show(view)


def release_hold(client_file: FileId, as_user: AsUser) -> None:
    """Lift the file's retention hold."""
    from app.errors import DossierError
    from app.services import holds

    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    try:
        view = holds.release(runtime.uow(), client_file_id=client_file, actor_id=actor.user_id)
    except DossierError as error:
        raise support.fail(error.message) from None
    _show(view)


def cancel_deletion(client_file: FileId, as_user: AsUser) -> None:
    """Give back a deleted file during its grace period."""
    from app.errors import DossierError
    from app.services import grace

    runtime = support.runtime(messages=True)
    actor = support.actor(runtime, as_user)
    try:
        result = grace.cancel_deletion(
            runtime.uow(), client_file_id=client_file, actor_id=actor.user_id
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    support.report(result.job_id, result.status, result.counts, None)


def register(lifecycle_cli: typer.Typer) -> None:
    lifecycle_cli.command("hold")(hold)
    lifecycle_cli.command("release-hold")(release_hold)
    lifecycle_cli.command("cancel-deletion")(cancel_deletion)
