"""`dossier tokens` (a user's own API tokens) and `dossier staff` (a practice's staff, by
its admins), run in this process with the same services and rules as the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import typer

from app.cli import support

tokens_cli = typer.Typer(help="Your API tokens: create (shown once), list, revoke.")
staff_cli = typer.Typer(help="The practice's staff, managed by its admins.")

AsUser = Annotated[str, typer.Option("--as", help="E-mail of the user acting.")]
UserId = Annotated[uuid.UUID, typer.Argument(help="The staff member's user id.")]


@tokens_cli.command("create")
def create_token(
    as_user: AsUser,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    expires: Annotated[
        datetime | None,
        typer.Option(help="When it stops working, e.g. 2027-03-01T00:00+01:00."),
    ] = None,
) -> None:
    """Make a token of your own; its secret is printed once, and never stored in clear."""
    from app.errors import DossierError
    from app.services import tokens

    runtime = support.runtime(messages=False)
    actor = support.actor(runtime, as_user)
    lifetime = tokens.Lifetime.from_settings(runtime.settings)
    try:
        issued = tokens.issue_personal(
            runtime.uow(), actor, name, expires_at=expires, lifetime=lifetime
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    typer.echo(issued.secret)
    typer.secho(f"id {issued.token_id}, expires {issued.expires_at}", err=True)


@tokens_cli.command("list")
def list_tokens(as_user: AsUser) -> None:
    """Your tokens: id, prefix, name, created, last use, expiry. Never a secret."""
    from app.services import tokens

    runtime = support.runtime(messages=False)
    for item in tokens.list_own(runtime.uow(), support.actor(runtime, as_user)):
        used = item.last_used_at.isoformat(timespec="minutes") if item.last_used_at else "never"
        expires = item.expires_at.isoformat(timespec="minutes") if item.expires_at else "never"
        typer.echo(
            f"{item.id}  {item.prefix or '(old token)':<12}  {item.name}  "
            f"created {item.created_at:%Y-%m-%d}  last used {used}  expires {expires}"
        )


@tokens_cli.command("revoke")
def revoke_token(
    token_id: Annotated[uuid.UUID, typer.Argument(help="The token's id.")], as_user: AsUser
) -> None:
    """Revoke one of your tokens; it stops working at once."""
    from app.errors import DossierError
    from app.services import tokens

    runtime = support.runtime(messages=False)
    try:
        tokens.revoke(runtime.uow(), token_id, owner=support.actor(runtime, as_user))
    except DossierError as error:
        raise support.fail(error.message) from None
    typer.echo(f"token {token_id} revoked")


@staff_cli.command("list")
def list_staff(as_user: AsUser) -> None:
    """The practice's staff: id, e-mail, name, admin, disabled."""
    from app.errors import DossierError
    from app.services import staff

    runtime = support.runtime(messages=False)
    try:
        members = staff.list_staff(runtime.uow(), support.actor(runtime, as_user))
    except DossierError as error:
        raise support.fail(error.message) from None
    for member in members:
        flags = ("admin " if member.is_admin else "") + ("disabled" if member.disabled_at else "")
        typer.echo(f"{member.id}  {member.email}  {member.name}  {flags}".rstrip())


@staff_cli.command("add")
def add_staff(
    as_user: AsUser,
    email: Annotated[str, typer.Option(help="The new member's e-mail address.")],
    name: Annotated[str, typer.Option(help="Their full name.")],
    admin: Annotated[bool, typer.Option(help="Make them an admin too.")] = False,
) -> None:
    """Add a member; print their id, then a first token (expiring) for them."""
    from app.errors import DossierError
    from app.services import staff, tokens

    runtime = support.runtime(messages=False)
    try:
        added = staff.add(
            runtime.uow(),
            support.actor(runtime, as_user),
            name=name,
            email=email,
            is_admin=admin,
            lifetime=tokens.Lifetime.from_settings(runtime.settings),
        )
    except DossierError as error:
        raise support.fail(error.message) from None
    typer.echo(added.member.id)
    typer.echo(added.token.secret)


def _change(as_user: str, user_id: uuid.UUID, what: str) -> None:
    from app.domain.people import StaffChange
    from app.errors import DossierError
    from app.services import staff

    runtime = support.runtime(messages=False)
    try:
        staff.change(runtime.uow(), support.actor(runtime, as_user), user_id, StaffChange(what))
    except DossierError as error:
        raise support.fail(error.message) from None
    typer.echo(f"{user_id}: {what}d")


@staff_cli.command("remove")
def remove_staff(user_id: UserId, as_user: AsUser) -> None:
    """Remove a member: they leave the practice and their tokens are revoked."""
    _change(as_user, user_id, "remove")


@staff_cli.command("disable")
def disable_staff(user_id: UserId, as_user: AsUser) -> None:
    """Disable a member: their tokens stop working at once."""
    _change(as_user, user_id, "disable")


@staff_cli.command("enable")
def enable_staff(user_id: UserId, as_user: AsUser) -> None:
    """Let a disabled member sign in again."""
    _change(as_user, user_id, "enable")
