"""Broker messages the services ask for. Task names are stable public strings."""

from __future__ import annotations

import uuid

from app.persistence.outbox import Dispatcher, TaskMessage

__all__ = ["Dispatcher", "TaskMessage"]

GATE = "dossier.documents.gate"
GATE_PENDING = "dossier.documents.gate_pending"
EXTRACT = "dossier.documents.extract"
RETRY = "dossier.documents.retry"
RESEND = "dossier.documents.resend"
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
SEND_MAIL = "dossier.maintenance.send_mail"
INGEST = "dossier.documents.ingest"
EXPIRE_IDEMPOTENCY_KEYS = "dossier.maintenance.expire_idempotency_keys"
CLEAN_INCOMING = "dossier.maintenance.clean_incoming"


def gate(document_id: uuid.UUID, task_id: uuid.UUID, *, coalesce: bool = False) -> TaskMessage:
    return TaskMessage(GATE, {"document_id": str(document_id)}, task_id, coalesce=coalesce)


def gate_nudge() -> TaskMessage:
    """Decide the pending documents of any file, oldest first, a batch at a time; itself
    coalesced with every other nudge not yet taken up."""
    return TaskMessage(GATE_PENDING, {}, coalesce=True)


def extract(document_id: uuid.UUID, task_id: uuid.UUID, tenant: str | None = None) -> TaskMessage:
    return TaskMessage(EXTRACT, {"document_id": str(document_id)}, task_id, tenant)


def tenant_of(practice_id: uuid.UUID | None, client_file_id: uuid.UUID) -> str:
    """The practice a file belongs to, or the file itself when it has none."""
    return f"practice:{practice_id}" if practice_id else f"file:{client_file_id}"
