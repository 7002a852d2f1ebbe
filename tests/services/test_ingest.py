"""The ingest of a document handed over through Celery, step by step: checked as an
upload, moved into place, answered once under its key however often it runs, and the
incoming blob gone afterwards (or, refused, left for the clean-up)."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from datetime import timedelta

import pytest

from app.domain.model import DocumentStatus
from app.errors import InvalidInput, NotFound, UnsupportedFileType, UploadTooLarge
from app.persistence.models import utcnow
from app.services import ingest, messages
from app.services.ingest import Handover
from app.storage import blob_key
from tests.services.conftest import RECEIPT, FakeDispatcher, Office

DAY = timedelta(hours=24)


def handover(office: Office, key: str = "incoming/scanner-1/0001.txt", **extra: object) -> Handover:
    values: dict[str, object] = {
        "client_file_id": office.file_id,
        "actor_id": office.staff_id,
        "key": key,
        "filename": "0001.txt",
    }
    return Handover(**(values | extra))  # type: ignore[arg-type]


def run(office: Office, given: Handover, task_id: str = "task-1") -> ingest.UploadResult:
    claim = ingest.claim_for(given, task_id, DAY)
    return ingest.ingest(office.uow, office.blobs, office.settings, given, claim)


def test_an_incoming_blob_becomes_a_document_and_leaves_incoming(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    given = handover(office, sha256=hashlib.sha256(RECEIPT).hexdigest())
    office.blobs.put(given.key, RECEIPT)

    result = run(office, given)

    assert (result.status, result.duplicate, result.replayed) == (
        DocumentStatus.PENDING,
        False,
        False,
    )
    document = office.document(result.document_id)
    assert document is not None
    assert document.filename == "0001.txt"
    assert office.blobs.get(blob_key(office.file_id, document.sha256)) == RECEIPT
    assert not office.blobs.exists(given.key)
    assert len(dispatcher.named(messages.GATE)) == 1


def test_a_second_delivery_gets_the_first_answer_and_finishes_the_clean_up(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    given = handover(office)
    office.blobs.put(given.key, RECEIPT)
    first = run(office, given)
    # GIVEN a delivery that died after the document was committed, before the clean-up
    office.blobs.put(given.key, RECEIPT)

    again = run(office, given)

    assert again.document_id == first.document_id
    assert again.replayed
    assert not office.blobs.exists(given.key)
    assert len(dispatcher.named(messages.GATE)) == 1
    # and once more, the blob gone already: still the answer, no rejection
    assert run(office, given).document_id == first.document_id


def test_a_handover_under_an_idempotency_key_is_one_document_whatever_the_task_id(
    office: Office,
) -> None:
    given = handover(office, idempotency_key="mail-77")
    office.blobs.put(given.key, RECEIPT)
    first = run(office, given, task_id="a")
    assert run(office, given, task_id="b").document_id == first.document_id


@pytest.mark.parametrize(
    ("data", "extra", "error"),
    [
        (b"\x00\x01\x02 not a document", {}, UnsupportedFileType),
        (b"", {}, InvalidInput),
        (RECEIPT, {"sha256": "0" * 64}, InvalidInput),
        (RECEIPT, {"key": "elsewhere/0001.txt"}, InvalidInput),
        (RECEIPT, {"key": "incoming/../secrets"}, InvalidInput),
        (RECEIPT, {"client_file_id": uuid.uuid4()}, NotFound),
        (RECEIPT, {"actor_id": uuid.uuid4()}, NotFound),
    ],
)
def test_a_bad_handover_is_refused_and_creates_nothing(
    office: Office, data: bytes, extra: dict[str, object], error: type[Exception]
) -> None:
    given = handover(office, **extra)
    if given.key.startswith("incoming/") and ".." not in given.key:
        office.blobs.put(given.key, data)
    with pytest.raises(error):
        run(office, given)
    assert office.blobs.count_prefix(str(office.file_id)) == 0


def test_an_oversized_blob_is_refused_before_it_is_read_whole(office: Office) -> None:
    given = handover(office)
    office.blobs.put(given.key, RECEIPT + b"x" * office.settings.max_upload_bytes)
    with pytest.raises(UploadTooLarge):
        run(office, given)


def test_a_blob_that_never_arrived_is_refused(office: Office) -> None:
    with pytest.raises(InvalidInput, match="No blob"):
        run(office, handover(office))


def test_only_incoming_blobs_past_their_age_are_cleaned(office: Office) -> None:
    office.blobs.put("incoming/old.txt", RECEIPT)
    office.blobs.put("incoming/new.txt", RECEIPT)
    office.blobs.put(f"{office.file_id}/kept", RECEIPT)
    old = office.blobs.root / "incoming" / "old.txt"
    os.utime(old, (time.time() - 7200, time.time() - 7200))

    removed = ingest.clean_incoming(office.blobs, older_than=utcnow() - timedelta(hours=1))

    assert removed == 1
    assert not office.blobs.exists("incoming/old.txt")
    assert office.blobs.exists("incoming/new.txt")
    assert office.blobs.exists(f"{office.file_id}/kept")
