"""SPEC §5.6 — malformed payloads and unknown ids are refused once, with a logged reason;
nothing is written and nothing is retried."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import LifecycleEvent, LifecycleJob
from app.services import messages
from tests.integration.conftest import Practice, Stack
from tests.integration.test_pipeline import upload

UNKNOWN = str(uuid.uuid4())


def test_bad_payloads_are_rejected_once_and_change_nothing(
    stack: Stack, practice: Practice
) -> None:
    stack.start_worker()
    owner = str(practice.staff.user_id)
    bad = {
        stack.send(messages.GATE, document_id="not-a-uuid"): "document_id",
        stack.send(messages.GATE): "document_id",
        stack.send(messages.EXTRACT, document_id=UNKNOWN, surprise=1): "surprise",
        stack.send(messages.DEACTIVATE, client_file_id=UNKNOWN, actor_id=owner): "No such",
        stack.send(
            messages.DELETE, client_file_id=str(practice.client_file_id), actor_id=UNKNOWN
        ): "No such user",
        stack.send(
            messages.REACTIVATE,
            client_file_id=str(practice.client_file_id),
            actor_id=owner,
            reprocess_skipped="perhaps",
        ): "reprocess_skipped",
        stack.send(messages.SWEEP, everything=True): "everything",
        stack.send(messages.INGEST, **handover(practice, key="/etc/passwd")): "incoming/",
        stack.send(messages.INGEST, **handover(practice, key="incoming/never-put")): "No blob",
    }

    # A good upload after the bad messages proves the worker kept going.
    document_id = upload(stack, practice, "Quittance de loyer, total 650,00 EUR")
    stack.wait_until_terminal(practice.client_file_id, 1)
    stack.wait_for(
        "every bad message to be rejected",
        lambda: all(rejections(stack, task_id) for task_id in bad),
    )
    # Nothing arrives later: each was refused once, and none comes back as a retry.
    stack.send(messages.SWEEP)
    stack.wait_for(
        "a last sweep", lambda: stack.worker_log().count("dossier.maintenance.sweep") >= 3
    )

    for task_id, reason in bad.items():
        lines = rejections(stack, task_id)
        assert len(lines) == 1, f"{task_id}: {lines}"
        assert reason in lines[0]
    assert "Retry in" not in stack.worker_log()
    assert stack.scalar(sa.select(sa.func.count()).select_from(LifecycleJob)) == 0
    assert stack.scalar(sa.select(sa.func.count()).select_from(LifecycleEvent)) == 0
    document = stack.document(document_id)
    assert document is not None
    assert document.status is DocumentStatus.EXTRACTED


def handover(practice: Practice, key: str) -> dict[str, str]:
    return {
        "client_file_id": str(practice.client_file_id),
        "actor_id": str(practice.staff.user_id),
        "key": key,
        "filename": "scan.pdf",
    }


def rejections(stack: Stack, task_id: uuid.UUID) -> list[str]:
    return [
        line
        for line in stack.worker_log().splitlines()
        if "rejected" in line and str(task_id) in line
    ]
