"""What every command shares: a refusal or an unknown id is one line on stderr and exit
status 1, never a traceback; progress appears only once work really runs."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import typer
from rich.progress import Progress, TaskID
from typer.core import TyperGroup

from app.errors import DossierError


class DossierGroup(TyperGroup):
    """The root command: a DossierError from any sub-command ends it with its sentence."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click: its Context is private
        try:
            return super().invoke(ctx)
        except DossierError as error:
            typer.secho(error.message, fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None


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
