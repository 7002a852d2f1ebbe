"""`dossier audit`: the lifecycle events a user may read, as the API gives them; and
`dossier staff log`: the practice's log of its people and tokens, read by its admins."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from app.cli import support

if TYPE_CHECKING:
    from app.bootstrap import Runtime
    from app.domain.model import Actor

Page = TypeVar("Page")
Since = Annotated[datetime | None, typer.Option(help="From this time on.")]
Until = Annotated[datetime | None, typer.Option(help="Before this time.")]
Limit = Annotated[int, typer.Option(help="Events per page.", min=1)]
CursorOption = Annotated[str | None, typer.Option("--cursor", help="Continue after this page.")]


def audit(
    as_user: Annotated[str, typer.Option("--as", help="E-mail of the user reading.")],
    client_file: Annotated[
        uuid.UUID | None, typer.Option("--file", help="Only this client file's.")
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. detach.")] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only events of this user (e-mail address).")
    ] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 100,
    cursor: CursorOption = None,
) -> None:
    """The audit trail, oldest first: time, file, action, actor, from -> to, counts. Ends
    with the cursor of the next page when there is one."""
    from app.domain.audit import EventFilter
    from app.services import audit as service

    runtime, reader, actor_id = _people(as_user, actor)
    wanted = EventFilter(client_file, action, actor_id, _aware(since), _aware(until))
    page = _refused_in_one_line(
        lambda: service.events(runtime.uow(), reader, wanted, cursor=cursor, limit=limit)
    )
    for item in page.items:
        change = f"{_state(item.from_state)} -> {_state(item.to_state)}"
        counts = json.dumps(item.counts, sort_keys=True) if item.counts else ""
        typer.echo(
            f"{item.created_at.isoformat(timespec='seconds')}  {item.client_file_id}  "
            f"{item.action:<24}  {item.actor_id or '-'}  {change}  {counts}".rstrip()
        )
    if page.next_cursor:
        typer.echo(f"next page: --cursor {page.next_cursor}")


def practice_log(
    as_user: Annotated[str, typer.Option("--as", help="E-mail of the practice admin reading.")],
    action: Annotated[
        str | None, typer.Option(help="Only this action, e.g. staff_removed.")
    ] = None,
    limit: Limit = 100,
    cursor: CursorOption = None,
    actor: Annotated[
        str | None, typer.Option(help="Only changes made by this user (e-mail address).")
    ] = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """The practice's log, oldest first: time, action, who did it ('operator' for the
    operator's commands), the member, the token, details. Its admins only. Ends with the
    cursor of the next page when there is one."""
    from app.domain.audit import EventFilter
    from app.services import practice_events

    runtime, reader, actor_id = _people(as_user, actor)
    wanted = EventFilter(None, action, actor_id, _aware(since), _aware(until))
    page = _refused_in_one_line(
        lambda: practice_events.events(runtime.uow(), reader, wanted, cursor=cursor, limit=limit)
    )
    for item in page.items:
        details = json.dumps(item.details, sort_keys=True) if item.details else ""
        typer.echo(
            f"{item.created_at.isoformat(timespec='seconds')}  {item.action:<15}  "
            f"{item.actor_id or 'operator'}  {item.user_id or '-'}  {item.token_id or '-'}  "
            f"{details}".rstrip()
        )
    if page.next_cursor:
        typer.echo(f"next page: --cursor {page.next_cursor}")


def _people(as_user: str, actor: str | None) -> tuple[Runtime, Actor, uuid.UUID | None]:
    """The wiring, the reader, and the id of the actor whose changes are asked for."""
    runtime = support.runtime(messages=False)
    reader = support.actor(runtime, as_user)
    return runtime, reader, support.actor(runtime, actor).user_id if actor else None


def _refused_in_one_line(read: Callable[[], Page]) -> Page:
    from app.errors import DossierError

    try:
        return read()
    except DossierError as error:
        raise support.fail(error.message) from None


def _aware(moment: datetime | None) -> datetime | None:
    # A time typed without a zone is read as the machine's local time.
    return moment.astimezone() if moment is not None else None


def _state(state: dict[str, object]) -> str:
    return "/".join(str(state.get(key)) for key in ("status", "billing") if key in state) or "-"
