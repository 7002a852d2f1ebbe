"""SPEC §5.2 and §5.5 for `dossier.documents.ingest` on a real worker: a handover
delivered twice at once is one document, and a worker SIGKILLed in the middle of one
loses no blob and leaves none behind once the message comes back."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import sqlalchemy as sa

from app.persistence.models import ClientFile, Document
from app.services import messages
from app.storage import blob_key
from tests.integration.conftest import Practice, Stack, new_practice

SCAN = b"Facture 2026-301\nGarage Moreau\nTotal 96,00 EUR\n"
# A killed worker's message comes back after the visibility timeout.
FAST_RECOVERY = {
    "extraction_time_limit_seconds": 3,
    "broker_visibility_timeout_seconds": 5,
    "sweep_stale_after_seconds": 4,
}


def handed_over(stack: Stack, practice: Practice) -> dict[str, Any]:
    """Put the bytes under incoming/, as a producer does; return the task's payload."""
    key = f"incoming/scanner/{uuid.uuid4().hex}.txt"
    stack.runtime.blobs.put(key, SCAN)
    return {
        "client_file_id": str(practice.client_file_id),
        "actor_id": str(practice.staff.user_id),
        "key": key,
        "filename": "scan-301.txt",
        "sha256": hashlib.sha256(SCAN).hexdigest(),
    }


def documents_in(stack: Stack, practice: Practice) -> int:
    query = sa.select(sa.func.count()).where(Document.client_file_id == practice.client_file_id)
    return int(stack.scalar(query))


def in_place(stack: Stack, practice: Practice) -> bool:
    return stack.runtime.blobs.exists(
        blob_key(practice.client_file_id, hashlib.sha256(SCAN).hexdigest())
    )


def test_a_handover_delivered_twice_at_once_is_one_document(
    stack: Stack, practice: Practice
) -> None:
    # GIVEN the same ingest message twice in the queue (one task id)
    payload = handed_over(stack, practice)
    task_id = stack.send(messages.INGEST, **payload)
    stack.send(messages.INGEST, task_id=task_id, **payload)

    # WHEN two worker processes take both at once
    stack.start_worker(concurrency=2)

    # THEN one document, extracted once; the bytes in place; nothing left under incoming/
    stack.wait_until_terminal(practice.client_file_id, 1)
    stack.wait_for(
        "both copies to be consumed",
        lambda: stack.worker_log().count(f"dossier.documents.ingest[{task_id}] succeeded") == 2,
    )
    assert documents_in(stack, practice) == 1
    assert in_place(stack, practice)
    assert not stack.runtime.blobs.exists(payload["key"])
    assert "rejected" not in stack.worker_log()


def test_a_worker_killed_mid_ingest_loses_no_blob_and_leaves_none(make_stack) -> None:
    stack: Stack = make_stack(**FAST_RECOVERY)
    practice = new_practice(stack)
    payload = handed_over(stack, practice)
    with stack.runtime.sessions() as blocker:
        # GIVEN a worker stopped in the middle of an ingest: the bytes copied into place,
        # the document not yet committed (the file's row is held here)
        blocker.execute(
            sa.select(ClientFile.id)
            .where(ClientFile.id == practice.client_file_id)
            .with_for_update()
        )
        stack.start_worker("doomed")
        stack.send(messages.INGEST, **payload)
        stack.wait_for("the bytes to be copied into place", lambda: in_place(stack, practice))

        # WHEN the worker is killed there
        stack.kill_workers()
        blocker.rollback()

    # THEN nothing is lost meanwhile: the incoming blob is still there, no document yet
    assert stack.runtime.blobs.exists(payload["key"])
    assert documents_in(stack, practice) == 0
    # AND once the message comes back to another worker, one document and no blob left over
    stack.start_worker("survivor")
    stack.wait_until_terminal(practice.client_file_id, 1)
    stack.wait_for(
        "the incoming blob to go", lambda: not stack.runtime.blobs.exists(payload["key"])
    )
    assert documents_in(stack, practice) == 1
    assert in_place(stack, practice)
    assert stack.runtime.blobs.count_prefix("incoming") == 0
