"""One lifecycle action over many client files: a dry run that says, per file, whether it
would be allowed and why not, and real runs that report each file's outcome. Each file is
its own change under its own lock, exactly as if it had been asked for alone: one refusal
never holds back the others."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.model import Action
from app.errors import ActionRefused, InvalidInput, NotFound
from app.persistence.uow import UnitOfWork
from app.services import commands, idempotency, messages, requests
from app.services.idempotency import KeyClaim
from app.storage import BlobStore

BULK_ACTIONS = commands.WORKER_ACTIONS
MAX_FILES = 500

ALLOWED, REFUSED, NOT_FOUND = "allowed", "refused", "not_found"


@dataclass(frozen=True, slots=True)
class BulkItem:
    client_file_id: uuid.UUID
    outcome: str  # allowed (dry run), pending (sent to a worker), done, running, refused, ...
    reason: str | None = None
    message: str | None = None
    job_id: uuid.UUID | None = None
    counts: dict[str, Any] | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome not in (REFUSED, NOT_FOUND)


def checked_files(action: Action, client_file_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The files once each, in the order given; refuse what no file could do."""
    if action not in BULK_ACTIONS:
        names = ", ".join(str(a) for a in BULK_ACTIONS)
        raise InvalidInput(f"Only these actions can be applied in bulk: {names}.", action=action)
    unique = list(dict.fromkeys(client_file_ids))
    if not unique:
        raise InvalidInput("Name at least one client file.")
    if len(unique) > MAX_FILES:
        raise InvalidInput(f"At most {MAX_FILES} client files at a time.")
    return unique


def dry_run(
    uow: UnitOfWork, *, actor_id: uuid.UUID, action: Action, client_file_ids: Sequence[uuid.UUID]
) -> list[BulkItem]:
    """Per file: would the action be allowed now, and if not, why. Writes nothing."""
    items = []
    for client_file_id in checked_files(action, client_file_ids):
        try:
            requests.check(uow, client_file_id=client_file_id, actor_id=actor_id, action=action)
        except (ActionRefused, NotFound) as error:
            items.append(_refused(client_file_id, error))
            continue
        items.append(BulkItem(client_file_id, ALLOWED))
    return items


def request_all(
    uow: UnitOfWork,
    *,
    actor_id: uuid.UUID,
    action: Action,
    client_file_ids: Sequence[uuid.UUID],
    params: dict[str, Any] | None = None,
    claim: KeyClaim | None = None,
) -> tuple[list[BulkItem], list[messages.TaskMessage]]:
    """Record a pending job for every file that allows the action (as the API does for
    one); return each file's outcome and the task messages the caller must send. Under an
    idempotency `claim`, each file's request is keyed too (`item_claim`): sent again, a
    file's accepted request gives its first answer and no second message."""
    items, to_send = [], []
    for client_file_id in checked_files(action, client_file_ids):
        command = commands.command_for(
            action, client_file_id=client_file_id, actor_id=actor_id, params=params
        )
        try:
            requested = requests.request(uow, command, item_claim(claim, client_file_id))
        except (ActionRefused, NotFound) as error:
            items.append(_refused(client_file_id, error))
            continue
        if requested.message is not None:
            to_send.append(requested.message)
        items.append(BulkItem(client_file_id, "pending", job_id=requested.job_id))
    return items, to_send


def item_claim(claim: KeyClaim | None, client_file_id: uuid.UUID) -> KeyClaim | None:
    """One file's share of a bulk request's key."""
    if claim is None:
        return None
    key = "bulk:" + idempotency.fingerprint(claim.key, str(client_file_id))
    return dataclasses.replace(claim, key=key)


def run_all(
    uow: UnitOfWork,
    blobs: BlobStore,
    *,
    actor_id: uuid.UUID,
    action: Action,
    client_file_ids: Sequence[uuid.UUID],
    params: dict[str, Any] | None = None,
    delete_batch_size: int = 500,
) -> list[BulkItem]:
    """Run the action on every file in this process, one file after the other."""
    items = []
    for client_file_id in checked_files(action, client_file_ids):
        command = commands.command_for(
            action, client_file_id=client_file_id, actor_id=actor_id, params=params
        )
        try:
            result = commands.run(
                uow, blobs, command, job_id=uuid.uuid4(), delete_batch_size=delete_batch_size
            )
        except NotFound as error:
            items.append(_refused(client_file_id, error))
            continue
        items.append(
            BulkItem(
                client_file_id,
                result.status,
                result.reason,
                result.message,
                result.job_id,
                dict(result.counts),
            )
        )
    return items


def _refused(client_file_id: uuid.UUID, error: ActionRefused | NotFound) -> BulkItem:
    if isinstance(error, ActionRefused):
        return BulkItem(client_file_id, REFUSED, error.reason, error.message)
    return BulkItem(client_file_id, NOT_FOUND, NOT_FOUND, error.message)


def summary(items: Sequence[BulkItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    return counts
