"""`dossier audit`: the lifecycle events a user may read, as the API gives them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated

import typer

from app.cli import support


def audit(
    as_user: Annotated[str, typer.Option("--as", help="E-mail of the user reading.")],
    client_file: Annotated[
        uuid.UUID | None, typer.Option("--file", help="Only this client file's.")
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. detach.")] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only events of this user (e-mail address).")
    ] = None,
    since: Annotated[datetime | None, typer.Option(help="From this time on.")] = None,
    until: Annotated[datetime | None, typer.Option(help="Before this time.")] = None,
    limit: Annotated[int, typer.Option(help="Events per page.", min=1)] = 100,
    cursor: Annotated[str | None, typer.Option(help="Continue after this page.")] = None,
) -> None:
    """The audit trail, oldest first: time, file, action, actor, from -> to, counts. Ends
    with the cursor of the next page when there is one."""
    from app.domain.audit import EventFilter
    from app.errors import DossierError
    from app.services import audit as service

    runtime = support.runtime(messages=False)
    reader = support.actor(runtime, as_user)
    actor_id = support.actor(runtime, actor).user_id if actor else None
    wanted = EventFilter(client_file, action, actor_id, _aware(since), _aware(until))
    try:
        page = service.events(runtime.uow(), reader, wanted, cursor=cursor, limit=limit)
    except DossierError as error:
        raise support.fail(error.message) from None
    for item in page.items:
        change = f"{_state(item.from_state)} -> {_state(item.to_state)}"
        counts = json.dumps(item.counts, sort_keys=True) if item.counts else ""
        typer.echo(
            f"{item.created_at.isoformat(timespec='seconds')}  {item.client_file_id}  "
            f"{item.action:<24}  {item.actor_id or '-'}  {change}  {counts}".rstrip()
        )
    if page.next_cursor:
        typer.echo(f"next page: --cursor {page.next_cursor}")


def _aware(moment: datetime | None) -> datetime | None:
    # A time typed without a zone is read as the machine's local time.
    return moment.astimezone() if moment is not None else None


def _state(state: dict[str, object]) -> str:
    return "/".join(str(state.get(key)) for key in ("status", "billing") if key in state) or "-"
