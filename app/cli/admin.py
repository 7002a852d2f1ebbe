"""`dossier admin`: create practices, staff, client files and tokens, for an operator."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from app.cli import support

admin = typer.Typer(help="Create practices, staff, client files and API tokens.")


@admin.command("practice")
def create_practice(name: Annotated[str, typer.Argument(help="The practice's name.")]) -> None:
    """Create a practice; print its id."""
    from app.services import admin as service

    typer.echo(service.create_practice(support.runtime(messages=False).uow(), name))


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

    uow = support.runtime(messages=False).uow()
    typer.echo(service.create_staff_user(uow, practice, name, email, is_admin=is_admin))


@admin.command("disable")
def disable_user(email: Annotated[str, typer.Option(help="The user's e-mail address.")]) -> None:
    """Disable a user (staff or client): their tokens stop working at once."""
    from app.errors import DossierError
    from app.services import staff

    try:
        typer.echo(staff.set_disabled(support.runtime(messages=False).uow(), email, True))
    except DossierError as error:
        raise support.fail(error.message) from None


@admin.command("enable")
def enable_user(email: Annotated[str, typer.Option(help="The user's e-mail address.")]) -> None:
    """Let a disabled user sign in again."""
    from app.errors import DossierError
    from app.services import staff

    try:
        typer.echo(staff.set_disabled(support.runtime(messages=False).uow(), email, False))
    except DossierError as error:
        raise support.fail(error.message) from None


@admin.command("client-file")
def create_client_file(
    practice: Annotated[uuid.UUID, typer.Option(help="Practice id.")],
    name: Annotated[str, typer.Argument(help="The client business's name.")],
) -> None:
    """Create an active client file in the practice's subscription; print its id."""
    from app.services import admin as service

    typer.echo(service.create_client_file(support.runtime(messages=False).uow(), practice, name))


@admin.command("token")
def create_token(
    email: Annotated[str, typer.Option(help="E-mail of the user the token acts for.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
) -> None:
    """Issue an API token; it is printed once and never stored in clear."""
    from app.services import tokens

    runtime = support.runtime(messages=False)
    typer.echo(tokens.issue(runtime.uow(), support.actor(runtime, email).user_id, name).secret)


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

    runtime = support.runtime(messages=False)
    upgrade(runtime.settings.database_url)
    practice_id = service.create_practice(runtime.uow(), practice)
    user_id = service.create_staff_user(runtime.uow(), practice_id, name, email, is_admin=True)
    file_id = service.create_client_file(runtime.uow(), practice_id, client)
    secret = tokens.issue(runtime.uow(), user_id, "bootstrap").secret
    typer.echo(f"export DOSSIER_PRACTICE={practice_id}")
    typer.echo(f"export DOSSIER_USER={user_id}")
    typer.echo(f"export DOSSIER_FILE={file_id}")
    typer.echo(f"export DOSSIER_TOKEN={secret}")
