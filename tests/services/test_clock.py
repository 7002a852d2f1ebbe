"""One clock: a unit of work whose clock is frozen writes every timestamp at that instant,
the ones the services set, the ones the repositories' statements set and the columns'
defaults alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.model import Action, DocumentStatus
from app.persistence.idempotency import IdempotencyKeys
from app.persistence.models import LifecycleEvent, Practice
from app.persistence.uow import UnitOfWork
from app.persistence.webhooks import WebhookDelivery
from app.services import admin, documents
from app.services.idempotency import KeyClaim
from app.storage import LocalBlobStore
from tests.services.conftest import RECEIPT, FakeDispatcher, Office

# Years away from the wall clock: a timestamp taken from it cannot pass for this one.
FROZEN = datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
RETENTION = timedelta(hours=24)


@pytest.fixture
def frozen(
    sessions: sessionmaker[Session],
    dispatcher: FakeDispatcher,
    blobs: LocalBlobStore,
    settings: Settings,
) -> Office:
    uow = UnitOfWork(
        sessions,
        dispatcher,
        clock=lambda: FROZEN,
        webhook_urls=("https://hooks.example.test/dossier",),
    )
    practice_id = admin.create_practice(uow, "Cabinet Dupont")
    staff_id = admin.create_staff_user(uow, practice_id, "Claire Dupont", "claire@dupont.test")
    file_id = admin.create_client_file(uow, practice_id, "Boulangerie Martin")
    return Office(uow, blobs, settings, practice_id, staff_id, file_id)


def test_a_frozen_clock_stamps_an_upload_a_lifecycle_job_and_an_idempotency_key(
    frozen: Office,
) -> None:
    claim = KeyClaim("token-1", "upload-1", "fingerprint", RETENTION)
    uploaded = documents.upload(
        frozen.uow,
        frozen.blobs,
        frozen.settings,
        client_file_id=frozen.file_id,
        actor=frozen.actor(),
        filename="receipt.txt",
        data=RECEIPT,
        claim=claim,
    )
    assert documents.gate(frozen.uow, uploaded.document_id) == "extract"
    job = frozen.change(Action.DEACTIVATE)

    with frozen.uow as uow:
        document = uow.documents.get(uploaded.document_id)
        key = IdempotencyKeys(uow.session).find(claim.owner, claim.key)
        job_row = uow.lifecycle.job(job.job_id)
        client_file = uow.files.get(frozen.file_id)
        practice = uow.session.get(Practice, frozen.practice_id)
        event = uow.session.scalars(select(LifecycleEvent)).one()
        delivery = uow.session.scalars(select(WebhookDelivery)).one()
        assert document is not None
        assert key is not None
        assert job_row is not None
        assert client_file is not None
        assert practice is not None
        assert document.status is DocumentStatus.SKIPPED  # the deactivation's purge
        stamps = {
            "document created": document.created_at,
            "document updated": document.updated_at,
            "key created": key.created_at,
            "key expires": key.expires_at - RETENTION,
            "job created": job_row.created_at,
            "job finished": job_row.finished_at,
            "file created": client_file.created_at,
            "file updated": client_file.updated_at,
            "file deactivated": client_file.deactivated_at,
            "practice created": practice.created_at,
            "event": event.created_at,
            "webhook delivery created": delivery.created_at,
            "webhook delivery due": delivery.next_attempt_at,
        }

    assert {name: stamp for name, stamp in stamps.items() if stamp != FROZEN} == {}
