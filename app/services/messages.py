"""Broker messages the services ask for. Task names are stable public strings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

GATE = "dossier.documents.gate"
EXTRACT = "dossier.documents.extract"
DEACTIVATE = "dossier.lifecycle.deactivate"
REACTIVATE = "dossier.lifecycle.reactivate"
DETACH = "dossier.lifecycle.detach"
DELETE = "dossier.lifecycle.delete"
SWEEP = "dossier.maintenance.sweep"
SCHEDULE = "dossier.lifecycle.schedule"
RUN_DUE_ACTIONS = "dossier.maintenance.run_due_actions"
EXPORT = "dossier.lifecycle.export"
DELIVER_WEBHOOKS = "dossier.maintenance.deliver_webhooks"
EXPIRE_EXPORTS = "dossier.maintenance.expire_exports"


@dataclass(frozen=True, slots=True)
class TaskMessage:
    name: str
    payload: dict[str, Any]
    task_id: uuid.UUID = field(default_factory=uuid.uuid4)


def gate(document_id: uuid.UUID, task_id: uuid.UUID) -> TaskMessage:
    return TaskMessage(GATE, {"document_id": str(document_id)}, task_id)


def extract(document_id: uuid.UUID, task_id: uuid.UUID) -> TaskMessage:
    return TaskMessage(EXTRACT, {"document_id": str(document_id)}, task_id)


class Dispatcher(Protocol):
    """Sends messages to the broker; only ever called after a commit."""

    def send(self, messages: list[TaskMessage]) -> None: ...

    def revoke(self, task_ids: list[uuid.UUID]) -> int: ...
