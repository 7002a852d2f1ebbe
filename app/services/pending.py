"""The coalesced gate: one transaction decides the pending documents of many files.

A new upload's gate message may be coalesced (`messages.gate(..., coalesce=True)`): the
broker side then sends one shared `GATE_PENDING` nudge until a worker takes it up
(worker/nudge.py), instead of one gate message per upload. That nudge decides the
documents that have waited longest, of any file, a batch per transaction. Each file is
held FOR SHARE exactly as the per-document gate holds it, and its documents FOR UPDATE,
so a lifecycle change comes wholly before or after each decision (SPEC §5.1).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from app.domain.gatekeeper import Decision, verdict
from app.persistence.uow import UnitOfWork
from app.services import messages
from app.services.documents import decide_locked


@dataclass(frozen=True, slots=True)
class PendingReport:
    decided: int
    # Files a lifecycle change held at that moment: each got a gate message of its own,
    # which waits for the file's lock without holding up any other file.
    handed_over: int
    # A full batch: more may wait, and another nudge follows.
    more: bool
    # Documents decided, by the gate's outcome (extract, skip), as the metrics count them.
    outcomes: dict[str, int] = field(default_factory=dict)


def gate_pending(uow: UnitOfWork, *, batch_size: int) -> PendingReport:
    with uow:
        oldest = uow.documents.files_waiting_longest(batch_size)
        if not oldest:
            return PendingReport(0, 0, more=False)
        files = {f.id: f for f in uow.files.share_unless_locked(list(oldest))}
        locked = uow.documents.lock_pending_of(list(files), batch_size)
        # As for every gate decision: a decision lost to a database crash leaves its
        # document pending, and the sweeper sends its gate again.
        uow.documents.commit_without_waiting_for_disk()
        by_file: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for document_id, file_id in locked:
            by_file[file_id].append(document_id)
        decided, outcomes = 0, Counter[str]()
        for file_id, document_ids in by_file.items():
            client_file = files[file_id]
            ruling = verdict(client_file.status, client_file.billing)
            if ruling.decision is Decision.DROP:
                continue  # its deletion removes them
            tenant = messages.tenant_of(client_file.practice_id, file_id)
            decide_locked(uow, document_ids, ruling, tenant)
            decided += len(document_ids)
            outcomes[str(ruling.decision)] += len(document_ids)
        held = [file_id for file_id in oldest if file_id not in files]
        for file_id in held:
            uow.enqueue(messages.gate(*oldest[file_id]))
        more = len(locked) >= batch_size
        if more:
            uow.enqueue(messages.gate_nudge())
        uow.commit()
        return PendingReport(decided, len(held), more, dict(outcomes))
