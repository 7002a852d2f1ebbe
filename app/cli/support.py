"""What every command shares: the wiring of one command (`runtime`), the user it acts as,
its common arguments; a refusal or an unknown id is one line on stderr and exit status 1,
never a traceback; progress appears only once work really runs.

Command modules import this module, never the parser in `app/cli/__init__.py`, which
imports them."""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress, TaskID
from typer.core import TyperGroup

from app.errors import DossierError

if TYPE_CHECKING:
    from app.bootstrap import Runtime
    from app.domain.model import Actor
    from app.services.messages import TaskMessage

AsUser = Annotated[str, typer.Option("--as", help="E-mail of the user acting.")]
FileId = Annotated[uuid.UUID, typer.Argument(help="Client file id.")]


def runtime(*, messages: bool) -> Runtime:
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


def fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def actor(runtime: Runtime, email: str) -> Actor:
    with runtime.uow() as uow:
        user = uow.users.by_email(email.strip().lower())
        found = uow.users.actor(user.id) if user else None
    if found is None:
        raise fail(f"No user with the e-mail address {email}.")
    return found


def report(job_id: uuid.UUID, status: str, counts: dict[str, int], message: str | None) -> None:
    typer.echo(f"job {job_id}: {status}")
    for name, count in sorted(counts.items()):
        typer.echo(f"  {name}: {count}")
    if message:
        raise fail(message)


class DossierGroup(TyperGroup):
    """The root command: a DossierError from any sub-command ends it with its sentence;
    so do settings Dossier cannot use and a database it cannot reach, naming the variable
    to change, as an operator needs it."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click: its Context is private
        from pydantic import ValidationError
        from sqlalchemy.exc import ArgumentError, OperationalError

        try:
            return super().invoke(ctx)
        except DossierError as error:
            message = error.message
        except ValidationError as error:
            if error.title != "Settings":
                raise
            message = settings_problems(error)
        except (OperationalError, ArgumentError) as error:
            message = database_problem(error)
        typer.secho(message, fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


def settings_problems(error: Any) -> str:
    """One line per refused setting, by the environment variable that sets it."""
    lines = ["Dossier's settings cannot be used:"]
    for problem in error.errors():
        where = "".join(str(part) for part in problem.get("loc", ()))
        name = f"DOSSIER_{where.upper()}: " if where else ""
        lines.append(f"  {name}{str(problem.get('msg', '')).removeprefix('Value error, ')}")
    return "\n".join(lines)


def database_problem(error: Exception) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from app.config import get_settings

    url = get_settings().database_url
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        shown = "(not a URL)"
    if isinstance(error, ArgumentError):
        return f"DOSSIER_DATABASE_URL {shown} is not a database URL Dossier can use: {error}"
    cause = str(getattr(error, "orig", error)).strip().splitlines()[0]
    return f"The database of DOSSIER_DATABASE_URL ({shown}) cannot be reached: {cause}"


class LazyProgress:
    """A progress bar that shows itself at the first update: a change refused before any
    work starts prints no bar at all (and none stuck at 100 %)."""

    def __init__(self, description: str, total: int | None) -> None:
        self.description, self.total = description, total
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def update(self, completed: int) -> None:
        if self.progress is None:
            self.progress = Progress(transient=False)
            self.progress.start()
            self.task = self.progress.add_task(self.description, total=self.total or None)
        assert self.task is not None
        self.progress.update(self.task, completed=completed)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.stop()
