"""Retry and resend: a failed document, or one skipped for a reason that no longer holds,
goes back to the gatekeeper once per job; a refusal changes nothing."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from app.domain.model import Action, DocumentStatus
from app.domain.retries import Which
from app.errors import ActionRefused, NotFound
from app.extraction.text import TextLayerEngine
from app.persistence.models import LifecycleEvent
from app.services import documents, extraction, messages, retries
from app.services.lifecycle import DONE

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


def failed(office: Office, data: bytes) -> uuid.UUID:
    document_id = office.queued(data)
    limits = extraction.ExtractionLimits.from_settings(office.settings)
    assert extraction.claim_for_extraction(office.uow, document_id, limits) is not None
    assert extraction.record_failure(office.uow, document_id, "The engine gave up.")
    return document_id


def retry(office: Office, document_id: uuid.UUID, job_id: uuid.UUID | None = None) -> str:
    result = retries.retry(
        office.uow, job_id=job_id or uuid.uuid4(), actor_id=office.staff_id, document_id=document_id
    )
    return result.status


def events(office: Office, action: str) -> int:
    with office.uow:
        query = select(func.count()).where(LifecycleEvent.action == action)
        return office.uow.session.scalar(query) or 0


def test_a_failed_document_is_sent_to_the_gate_again_and_extracted(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    document_id = failed(office, office.receipt(1))
    dispatcher.clear()

    assert retry(office, document_id) == DONE

    document = office.document(document_id)
    assert document is not None
    assert (document.status, document.reason, document.attempts) == (
        DocumentStatus.PENDING,
        None,
        0,
    )
    [gate] = dispatcher.for_document(messages.GATE, document_id)
    assert gate.task_id == document.task_id
    assert documents.gate(office.uow, document_id) == "extract"
    limits = extraction.ExtractionLimits.from_settings(office.settings)
    outcome = extraction.extract(office.uow, office.blobs, TextLayerEngine(), document_id, limits)
    assert outcome == "extracted"
    assert events(office, retries.RETRY) == 1


def test_the_same_retry_job_run_twice_sends_the_document_once(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    document_id = failed(office, office.receipt(2))
    dispatcher.clear()
    job_id = uuid.uuid4()

    assert retry(office, document_id, job_id) == DONE
    # The document went on, and failed again, before the duplicate came.
    assert documents.gate(office.uow, document_id) == "extract"

    assert retry(office, document_id, job_id) == DONE
    assert len(dispatcher.for_document(messages.GATE, document_id)) == 1
    assert office.status(document_id) is DocumentStatus.QUEUED
    assert events(office, retries.RETRY) == 1


def test_a_skipped_document_is_retried_once_its_file_is_reactivated(office: Office) -> None:
    office.change(Action.DEACTIVATE)
    document_id = office.upload(office.receipt(3))
    assert documents.gate(office.uow, document_id) == "skip"

    with pytest.raises(ActionRefused) as refused:
        retry(office, document_id)
    assert refused.value.reason == "client_file_deactivated"
    assert office.status(document_id) is DocumentStatus.SKIPPED

    office.change(Action.REACTIVATE)
    assert retry(office, document_id) == DONE
    assert office.status(document_id) is DocumentStatus.PENDING


@pytest.mark.parametrize(
    ("make", "reason"),
    [("queued", "still_in_progress"), ("extracted", "already_extracted")],
)
def test_a_document_not_failed_or_skipped_is_refused(
    office: Office, dispatcher: FakeDispatcher, make: str, reason: str
) -> None:
    document_id = getattr(office, make)(office.receipt(4))
    before = office.document(document_id)
    dispatcher.clear()

    with pytest.raises(ActionRefused) as refused:
        retry(office, document_id)

    assert refused.value.reason == reason
    after = office.document(document_id)
    assert after is not None
    assert before is not None
    assert (after.status, after.task_id) == (before.status, before.task_id)
    assert dispatcher.sent == []
    assert events(office, retries.RETRY) == 0


def test_a_detached_file_without_a_plan_refuses_its_client(office: Office) -> None:
    client_id = office.invite("owner@martin.test")
    document_id = failed(office, office.receipt(5))
    office.change(Action.DETACH)

    with pytest.raises(ActionRefused) as refused:
        retries.retry(office.uow, job_id=uuid.uuid4(), actor_id=client_id, document_id=document_id)
    assert refused.value.reason == "no_subscription"
    # and the practice that let go of the file no longer knows the document exists
    with pytest.raises(NotFound):
        retry(office, document_id)


def test_resend_previews_then_sends_every_failed_document(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    failures = [failed(office, office.receipt(10 + n)) for n in range(3)]
    office.extracted(office.receipt(20))
    dispatcher.clear()

    preview = retries.resend(
        office.uow,
        job_id=uuid.uuid4(),
        actor_id=office.staff_id,
        client_file_id=office.file_id,
        which=Which.FAILED,
        dry_run=True,
    )
    assert preview.counts == {"documents": 3}
    assert dispatcher.sent == []
    assert all(office.status(d) is DocumentStatus.FAILED for d in failures)

    result = retries.resend(
        office.uow,
        job_id=uuid.uuid4(),
        actor_id=office.staff_id,
        client_file_id=office.file_id,
        which=Which.FAILED,
    )
    assert result.counts == {"documents_resent": 3}
    assert {m.payload["document_id"] for m in dispatcher.named(messages.GATE)} == {
        str(d) for d in failures
    }
    assert events(office, retries.RESEND) == 1
