"""What the unit of work buffers until its commit: task messages to send and who sends
them. Defined here, below the services, so that persistence needs nothing above it; the
task names and message builders live in `app/services/messages.py`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class TaskMessage:
    name: str
    payload: dict[str, Any]
    task_id: uuid.UUID = field(default_factory=uuid.uuid4)
    # Whose work this is (a practice, or a file without one): the dispatcher shares the
    # extraction queue fairly between tenants by it. Not part of the payload.
    tenant: str | None = None
    # A new upload's gate may be coalesced: a dispatcher that can, sends one shared
    # `GATE_PENDING` nudge for every such message until a worker takes that nudge up,
    # instead of one gate message each (see worker/nudge.py). Not part of the payload.
    coalesce: bool = False


class Dispatcher(Protocol):
    """Sends messages to the broker; only ever called after a commit."""

    def send(self, messages: list[TaskMessage]) -> None: ...

    def revoke(self, task_ids: list[uuid.UUID]) -> int: ...
