"""One command type per lifecycle action, and the one place that runs a command as a job.

A command is what a caller asks for: which file, who asks, and the action's own fields.
The API builds it, a pending request or a schedule stores its `params()`, a Celery message
carries its `payload()`, bulk applies it to many files, and `run` executes it, whoever
asked: deletion goes through `deletion.delete` (batched, resumable), every other action
through `lifecycle.change`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from app.domain.model import Action
from app.errors import InvalidInput
from app.persistence.models import LifecycleJob
from app.persistence.uow import UnitOfWork
from app.services import deletion, lifecycle, messages
from app.services.lifecycle import JobResult
from app.storage import BlobStore

DELETE_BATCH_SIZE = 2000  # DOSSIER_DELETE_BATCH_SIZE's default

# The fields every command has; the others are the action's own (its `params`).
SUBJECT = frozenset({"client_file_id", "actor_id"})


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: ClassVar[Action]
    # The worker task that runs it; None for the quick client-side actions run at once.
    task: ClassVar[str | None] = None

    client_file_id: uuid.UUID
    actor_id: uuid.UUID

    def params(self) -> dict[str, Any]:
        """The action's own fields, as JSON: what requests, schedules and jobs keep."""
        return self.model_dump(mode="json", exclude=set(SUBJECT))

    def payload(self, job_id: uuid.UUID) -> dict[str, Any]:
        """The Celery message's keyword arguments; the job id makes a redelivery one job."""
        return {**self.model_dump(mode="json"), "job_id": str(job_id)}

    def message(
        self, job_id: uuid.UUID, *, task_id: uuid.UUID | None = None
    ) -> messages.TaskMessage:
        """The job's message; its message id is the job id unless `task_id` is given."""
        if self.task is None:
            raise InvalidInput(f"{self.action} runs at once, never through a worker.")
        return messages.TaskMessage(self.task, self.payload(job_id), task_id=task_id or job_id)


class Deactivate(Command):
    action = Action.DEACTIVATE
    task = messages.DEACTIVATE


class Reactivate(Command):
    action = Action.REACTIVATE
    task = messages.REACTIVATE

    reprocess_skipped: bool = False


class Detach(Command):
    action = Action.DETACH
    task = messages.DETACH


class Delete(Command):
    action = Action.DELETE
    task = messages.DELETE


class Subscribe(Command):
    action = Action.SUBSCRIBE


COMMANDS: dict[Action, type[Command]] = {
    command.action: command for command in (Deactivate, Reactivate, Detach, Delete, Subscribe)
}


# The actions a worker runs: those the practice asks for, which may be scheduled and bulk.
WORKER_ACTIONS = tuple(action for action, kind in COMMANDS.items() if kind.task)


def options(action: Action) -> frozenset[str]:
    """The names of the action's own fields (e.g. `reprocess_skipped` of a reactivation)."""
    return frozenset(COMMANDS[action].model_fields) - SUBJECT


def command_for(
    action: Action | str,
    *,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    params: Mapping[str, Any] | None = None,
) -> Command:
    """The command a stored request or schedule (action and params) stands for."""
    try:
        kind = COMMANDS[Action(action)]
        return kind.model_validate(
            {**(params or {}), "client_file_id": client_file_id, "actor_id": actor_id}
        )
    except (ValueError, KeyError, ValidationError) as error:
        raise InvalidInput(f"Not a valid {action} request.", action=str(action)) from error


def resume_deletion(job: LifecycleJob) -> messages.TaskMessage:
    """A running deletion job's message sent again (the sweeper's resume, the purge at the
    end of a grace period), under a message id of its own: the job id keeps it one job."""
    command = Delete(client_file_id=job.client_file_id, actor_id=job.actor_id)
    return command.message(job.id, task_id=uuid.uuid4())


# How each command runs as a job. Deletion is the one with its own handler: it runs in
# batches and may be resumed; the others are one transaction of `lifecycle.change`.
Progress = Callable[[dict[str, int]], None]


class Handler(Protocol):
    def __call__(
        self,
        uow: UnitOfWork,
        blobs: BlobStore,
        command: Command,
        job_id: uuid.UUID,
        *,
        delete_batch_size: int,
        progress: Progress | None,
    ) -> JobResult: ...


def _delete(
    uow: UnitOfWork,
    blobs: BlobStore,
    command: Command,
    job_id: uuid.UUID,
    *,
    delete_batch_size: int,
    progress: Progress | None,
) -> JobResult:
    return deletion.delete(
        uow,
        blobs,
        job_id=job_id,
        client_file_id=command.client_file_id,
        actor_id=command.actor_id,
        batch_size=delete_batch_size,
        progress=progress,
    )


def _change(
    uow: UnitOfWork,
    blobs: BlobStore,
    command: Command,
    job_id: uuid.UUID,
    *,
    delete_batch_size: int,
    progress: Progress | None,
) -> JobResult:
    return lifecycle.change(
        uow,
        job_id=job_id,
        client_file_id=command.client_file_id,
        actor_id=command.actor_id,
        action=command.action,
        params=command.params(),
    )


HANDLERS: dict[type[Command], Handler] = {Delete: _delete}


def run(
    uow: UnitOfWork,
    blobs: BlobStore,
    command: Command,
    *,
    job_id: uuid.UUID,
    delete_batch_size: int = DELETE_BATCH_SIZE,
    progress: Progress | None = None,
) -> JobResult:
    """Run the command as the job `job_id`: running it again with the same id gives the
    first run's result (a deletion cut short goes on where it stopped)."""
    handler: Handler = HANDLERS.get(type(command), _change)
    return handler(
        uow, blobs, command, job_id, delete_batch_size=delete_batch_size, progress=progress
    )
