"""Broker messages the services ask for, their payloads built from the models the worker
validates them with (`payloads.py`). Task names are stable public strings."""

from __future__ import annotations

import uuid

from app.persistence.outbox import Dispatcher, TaskMessage
from app.services.payloads import DocumentPayload, ExportPayload, GatePendingPayload

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
    payload = DocumentPayload(document_id=document_id).body()
    return TaskMessage(GATE, payload, task_id, coalesce=coalesce)


def gate_nudge() -> TaskMessage:
    """Decide the pending documents of any file, oldest first, a batch at a time; itself
    coalesced with every other nudge not yet taken up."""
    return TaskMessage(GATE_PENDING, GatePendingPayload().body(), coalesce=True)


def extract(document_id: uuid.UUID, task_id: uuid.UUID, tenant: str | None = None) -> TaskMessage:
    return TaskMessage(EXTRACT, DocumentPayload(document_id=document_id).body(), task_id, tenant)


def export(export_id: uuid.UUID) -> TaskMessage:
    """Build the export; its message id is the export's, so a resend replaces nothing."""
    return TaskMessage(EXPORT, ExportPayload(export_id=export_id).body(), task_id=export_id)


def tenant_of(practice_id: uuid.UUID | None, client_file_id: uuid.UUID) -> str:
    """The practice a file belongs to, or the file itself when it has none."""
    return f"practice:{practice_id}" if practice_id else f"file:{client_file_id}"
