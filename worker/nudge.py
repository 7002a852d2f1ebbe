"""The gate nudge: one shared message stands for every new upload's gate until a worker
takes it up, instead of one gate message per upload.

A sender first claims the marker (`SET NX` with a lifetime); only the sender that claims
it sends the `GATE_PENDING` message. The worker deletes the marker *before* it reads the
pending documents, so a document committed before a failed claim is always seen: either
by the run that deletes the marker after that claim, or by a later one. A nudge that is
lost (Redis emptied, a worker killed past its retries) only delays its documents: the
marker lapses after its lifetime and the next upload sends a nudge again, and the sweeper
resends a per-document gate for any document left pending too long."""

from __future__ import annotations

from typing import Any


class GateNudge:
    def __init__(self, client: Any, *, seconds: int, key_prefix: str = "") -> None:
        self.client = client
        self.seconds = seconds
        self.key = f"{key_prefix}dossier:gate-nudge"

    def claim(self) -> bool:
        """True when no nudge is waiting to be taken up: the caller must send one."""
        return bool(self.client.set(self.key, "1", nx=True, ex=self.seconds))

    def take_up(self) -> None:
        """Called by the worker before it reads the pending documents."""
        self.client.delete(self.key)
