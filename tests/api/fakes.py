"""A dispatcher that keeps messages, and a worker that runs them in this process."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.bootstrap import Runtime
from app.domain.model import Action
from app.services import deletion, documents, lifecycle, messages
from app.services.messages import TaskMessage


@dataclass
class FakeDispatcher:
    sent: list[TaskMessage] = field(default_factory=list)
    revoked: list[uuid.UUID] = field(default_factory=list)
    broken: bool = False

    def send(self, batch: list[TaskMessage]) -> None:
        if self.broken:
            raise ConnectionError("the broker is down")
        self.sent.extend(batch)

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        self.revoked.extend(task_ids)
        return len(task_ids)

    def names(self) -> list[str]:
        return [message.name for message in self.sent]


class FakeWorker:
    """Runs queued gate and lifecycle messages the way the Celery tasks do. Extraction
    messages stay queued: these tests stop at the gatekeeper's decision."""

    def __init__(self, runtime: Runtime, dispatcher: FakeDispatcher) -> None:
        self.runtime = runtime
        self.dispatcher = dispatcher

    def drain(self) -> None:
        while True:
            runnable = [m for m in self.dispatcher.sent if m.name != messages.EXTRACT]
            if not runnable:
                return
            for message in runnable:
                self.dispatcher.sent.remove(message)
                self._run(message)

    def _run(self, message: TaskMessage) -> None:
        payload = message.payload
        if message.name == messages.GATE:
            documents.gate(self.runtime.uow(), uuid.UUID(payload["document_id"]))
            return
        ids = {
            "job_id": uuid.UUID(payload["job_id"]),
            "client_file_id": uuid.UUID(payload["client_file_id"]),
            "actor_id": uuid.UUID(payload["actor_id"]),
        }
        if message.name == messages.DELETE:
            deletion.delete(self.runtime.uow(), self.runtime.blobs, batch_size=2, **ids)
            return
        action = Action(message.name.rsplit(".", 1)[-1])
        params = {}
        if action is Action.REACTIVATE:
            params = {"reprocess_skipped": payload.get("reprocess_skipped", False)}
        lifecycle.change(self.runtime.uow(), action=action, params=params, **ids)
