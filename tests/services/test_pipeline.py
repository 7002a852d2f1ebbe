"""The gatekeeper and the two halves of an extraction (claim, record): every check is made
against the database at that moment, and a second delivery changes nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select, update

from app.domain.model import Action, Billing, DocumentStatus, FileStatus
from app.extraction import ExtractionResult
from app.persistence.models import ClientFile, Extraction
from app.services import documents, extraction, messages

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office

RESULT = ExtractionResult(engine="fake", text="Total 12.40", fields={"total": "12.40"})
LIMITS = extraction.ExtractionLimits(max_attempts=3, claim_lease=timedelta(minutes=5))
# A lease that has always run out: every claim looks like a worker that died.
EXPIRED_AFTER_TWO = extraction.ExtractionLimits(max_attempts=2, claim_lease=timedelta(0))


def extractions(office: Office, document_id: uuid.UUID) -> int:
    with office.uow:
        query = select(func.count()).where(Extraction.document_id == document_id)
        return office.uow.session.scalar(query) or 0


def set_file(office: Office, **values: object) -> None:
    """Change the file row behind the services' back, as another process would have."""
    with office.uow:
        office.uow.session.execute(
            update(ClientFile).where(ClientFile.id == office.file_id).values(**values)
        )
        office.uow.commit()


class TestGate:
    def test_an_active_file_queues_the_document_and_sends_it_for_extraction(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        document_id = office.upload()
        dispatcher.clear()

        assert documents.gate(office.uow, document_id) == "extract"

        document = office.document(document_id)
        assert document is not None
        assert document.status is DocumentStatus.QUEUED
        [extract] = dispatcher.named(messages.EXTRACT)
        assert extract.payload == {"document_id": str(document_id)}
        assert extract.task_id == document.task_id

    def test_a_deactivated_file_skips_the_document(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        document_id = office.upload()
        set_file(office, status=FileStatus.DEACTIVATED)
        dispatcher.clear()

        assert documents.gate(office.uow, document_id) == "skip"

        document = office.document(document_id)
        assert document is not None
        assert (document.status, document.reason) == (
            DocumentStatus.SKIPPED,
            "client_file_deactivated",
        )
        assert dispatcher.sent == []

    def test_a_detached_file_without_a_plan_skips_the_document(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        owner = office.invite("owner@martin.test")
        office.change(Action.DETACH)
        document_id = office.upload(by=owner)
        dispatcher.clear()

        assert documents.gate(office.uow, document_id) == "skip"

        document = office.document(document_id)
        assert document is not None
        assert (document.status, document.reason) == (DocumentStatus.SKIPPED, "no_subscription")
        assert dispatcher.sent == []

    def test_a_file_being_deleted_drops_the_document(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        document_id = office.upload()
        set_file(office, status=FileStatus.DELETING)
        dispatcher.clear()

        assert documents.gate(office.uow, document_id) == "dropped"
        assert office.status(document_id) is DocumentStatus.PENDING
        assert dispatcher.sent == []

    def test_a_second_delivery_finds_the_decision_made(
        self, office: Office, dispatcher: FakeDispatcher
    ) -> None:
        document_id = office.upload()
        assert documents.gate(office.uow, document_id) == "extract"
        first = office.document(document_id)
        dispatcher.clear()

        assert documents.gate(office.uow, document_id) == "already_decided"

        again = office.document(document_id)
        assert first is not None
        assert again is not None
        assert again.task_id == first.task_id
        assert dispatcher.sent == []

    def test_an_unknown_document_is_gone(self, office: Office) -> None:
        assert documents.gate(office.uow, uuid.uuid4()) == "gone"


class TestClaimAndRecord:
    def test_claim_then_record_extracts_once(self, office: Office) -> None:
        document_id = office.queued()

        claim = extraction.claim_for_extraction(office.uow, document_id, LIMITS)
        assert claim is not None
        assert office.status(document_id) is DocumentStatus.EXTRACTING
        assert extraction.record_extraction(office.uow, document_id, RESULT)

        document = office.document(document_id)
        assert document is not None
        assert document.status is DocumentStatus.EXTRACTED
        assert document.attempts == 1
        assert extractions(office, document_id) == 1

    def test_a_file_deactivated_after_queueing_is_rechecked_and_skipped(
        self, office: Office
    ) -> None:
        # The purge that deactivation runs was lost: the claim's own re-check must hold.
        document_id = office.queued()
        set_file(office, status=FileStatus.DEACTIVATED)

        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS) is None

        document = office.document(document_id)
        assert document is not None
        assert (document.status, document.reason) == (
            DocumentStatus.SKIPPED,
            "client_file_deactivated",
        )
        assert extractions(office, document_id) == 0

    def test_a_file_detached_without_a_plan_after_queueing_is_skipped(self, office: Office) -> None:
        document_id = office.queued()
        set_file(office, practice_id=None, billing=Billing.NONE)

        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS) is None
        assert office.status(document_id) is DocumentStatus.SKIPPED

    def test_deactivation_through_the_service_leaves_nothing_to_claim(self, office: Office) -> None:
        document_id = office.queued()
        office.change(Action.DEACTIVATE)

        extracted = extraction.extract(
            office.uow, office.blobs, _NeverCalled(), document_id, LIMITS
        )

        assert extracted == "not_claimed"
        assert office.status(document_id) is DocumentStatus.SKIPPED

    def test_a_result_is_written_only_while_still_extracting(self, office: Office) -> None:
        document_id = office.queued()
        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS)
        set_file(office, status=FileStatus.DELETING)

        assert not extraction.record_extraction(office.uow, document_id, RESULT)

        assert extractions(office, document_id) == 0
        assert office.status(document_id) is DocumentStatus.EXTRACTING

    def test_a_result_for_a_document_never_claimed_is_discarded(self, office: Office) -> None:
        document_id = office.queued()

        assert not extraction.record_extraction(office.uow, document_id, RESULT)
        assert extractions(office, document_id) == 0
        assert office.status(document_id) is DocumentStatus.QUEUED

    def test_a_second_record_does_not_add_a_second_extraction(self, office: Office) -> None:
        document_id = office.queued()
        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS)

        assert extraction.record_extraction(office.uow, document_id, RESULT)
        assert not extraction.record_extraction(office.uow, document_id, RESULT)

        assert extractions(office, document_id) == 1

    def test_a_duplicate_delivery_after_extraction_claims_nothing(self, office: Office) -> None:
        document_id = office.extracted()

        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS) is None
        assert office.status(document_id) is DocumentStatus.EXTRACTED
        assert extractions(office, document_id) == 1

    def test_a_duplicate_delivery_during_a_live_claim_claims_nothing(self, office: Office) -> None:
        document_id = office.queued()
        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS)

        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS) is None

        document = office.document(document_id)
        assert document is not None
        assert (document.status, document.attempts) == (DocumentStatus.EXTRACTING, 1)

    def test_interrupted_extractions_fail_after_the_attempt_limit(self, office: Office) -> None:
        document_id = office.queued()
        # Each claim is a worker that died before recording; the message comes back.
        for attempt in (1, 2):
            assert extraction.claim_for_extraction(office.uow, document_id, EXPIRED_AFTER_TWO)
            document = office.document(document_id)
            assert document is not None
            assert document.attempts == attempt

        assert extraction.claim_for_extraction(office.uow, document_id, EXPIRED_AFTER_TWO) is None

        document = office.document(document_id)
        assert document is not None
        assert document.status is DocumentStatus.FAILED
        assert document.reason == "interrupted"
        assert document.finished_at is not None


class TestExtract:
    def test_an_unreadable_document_fails_with_a_reason(self, office: Office) -> None:
        document_id = office.queued(b"\x89PNG\r\n\x1a\n" + bytes(64))

        from app.extraction.text import TextLayerEngine

        outcome = extraction.extract(
            office.uow, office.blobs, TextLayerEngine(), document_id, LIMITS
        )

        document = office.document(document_id)
        assert outcome == "failed"
        assert document is not None
        assert document.status is DocumentStatus.FAILED
        assert document.reason
        assert extractions(office, document_id) == 0

    def test_a_crashing_engine_fails_only_that_document(self, office: Office) -> None:
        document_id = office.queued()

        outcome = extraction.extract(office.uow, office.blobs, _Crashes(), document_id, LIMITS)

        document = office.document(document_id)
        assert outcome == "failed"
        assert document is not None
        assert document.status is DocumentStatus.FAILED
        # A stable code: the exception's text stays in the worker's log.
        assert document.reason == "engine_error"

    def test_a_missing_blob_fails_the_document(self, office: Office) -> None:
        document_id = office.queued()
        document = office.document(document_id)
        assert document is not None
        office.blobs.delete(document.blob_key)

        outcome = extraction.extract(office.uow, office.blobs, _NeverCalled(), document_id, LIMITS)

        assert outcome == "failed"
        assert office.status(document_id) is DocumentStatus.FAILED


class _NeverCalled:
    name = "never-called"

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        pytest.fail("the engine ran on a document that should not be extracted")


class _Crashes:
    name = "crashes"

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        raise RuntimeError("engine bug")
