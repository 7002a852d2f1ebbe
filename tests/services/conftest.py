"""Service tests run on a migrated SQLite file in tmp_path, a blob directory beside it and
a fake dispatcher that records what would have been sent to the broker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.model import Action, Actor, DocumentStatus
from app.extraction import Engine as ExtractionEngine
from app.extraction.text import TextLayerEngine
from app.persistence.db import make_engine, make_session_factory
from app.persistence.migrate import upgrade
from app.persistence.models import Document
from app.persistence.uow import UnitOfWork
from app.services import admin, documents, extraction, lifecycle
from app.services.messages import TaskMessage
from app.storage import LocalBlobStore

# A text document: the sniffer and the default engine both read it without any sample file.
RECEIPT = b"Boulangerie Martin\nTotal TTC 12,40 EUR\nTVA 5,5 %\n"


@dataclass
class FakeDispatcher:
    """Stands in for Celery: keeps every message and revoke it is handed."""

    sent: list[TaskMessage] = field(default_factory=list)
    revoked: list[uuid.UUID] = field(default_factory=list)

    def send(self, batch: list[TaskMessage]) -> None:
        self.sent.extend(batch)

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        self.revoked.extend(task_ids)
        return len(task_ids)

    def named(self, name: str) -> list[TaskMessage]:
        return [message for message in self.sent if message.name == name]

    def for_document(self, name: str, document_id: uuid.UUID) -> list[TaskMessage]:
        return [m for m in self.named(name) if m.payload["document_id"] == str(document_id)]

    def clear(self) -> None:
        self.sent.clear()
        self.revoked.clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'dossier.db'}",
        storage_dir=tmp_path / "blobs",
        max_upload_bytes=1024 * 1024,
        delete_batch_size=3,
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Engine]:
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db: Engine) -> sessionmaker[Session]:
    return make_session_factory(db)


@pytest.fixture
def dispatcher() -> FakeDispatcher:
    return FakeDispatcher()


@pytest.fixture
def uow(sessions: sessionmaker[Session], dispatcher: FakeDispatcher) -> UnitOfWork:
    return UnitOfWork(sessions, dispatcher)


@pytest.fixture
def blobs(settings: Settings) -> LocalBlobStore:
    return LocalBlobStore(settings.storage_dir)


@dataclass
class Office:
    """A practice with one staff member and one active client file on its plan, plus the
    verbs the tests use to act on it through the real services."""

    uow: UnitOfWork
    blobs: LocalBlobStore
    settings: Settings
    practice_id: uuid.UUID
    staff_id: uuid.UUID
    file_id: uuid.UUID

    @staticmethod
    def receipt(index: int) -> bytes:
        """A distinct small receipt, so that each upload is a new document."""
        return RECEIPT + f"Ticket {index}\n".encode()

    def actor(self, user_id: uuid.UUID | None = None) -> Actor:
        with self.uow:
            actor = self.uow.users.actor(user_id or self.staff_id)
        assert actor is not None
        return actor

    def upload(
        self,
        data: bytes = RECEIPT,
        *,
        file_id: uuid.UUID | None = None,
        by: uuid.UUID | None = None,
        filename: str = "receipt.txt",
    ) -> uuid.UUID:
        result = documents.upload(
            self.uow,
            self.blobs,
            self.settings,
            client_file_id=file_id or self.file_id,
            actor=self.actor(by),
            filename=filename,
            data=data,
        )
        return result.document_id

    def change(
        self,
        action: Action,
        *,
        by: uuid.UUID | None = None,
        file_id: uuid.UUID | None = None,
        job_id: uuid.UUID | None = None,
        **params: object,
    ) -> lifecycle.JobResult:
        return lifecycle.change(
            self.uow,
            job_id=job_id or uuid.uuid4(),
            client_file_id=file_id or self.file_id,
            actor_id=by or self.staff_id,
            action=action,
            params=dict(params),
        )

    def invite(self, email: str, *, file_id: uuid.UUID | None = None) -> uuid.UUID:
        result = self.change(Action.INVITE_CLIENT_USER, file_id=file_id, email=email)
        assert result.status == lifecycle.DONE, result
        with self.uow:
            user = self.uow.users.by_email(email)
            assert user is not None
            return user.id

    def document(self, document_id: uuid.UUID) -> Document | None:
        """A detached snapshot of the row (the unit of work expires what it leaves)."""
        with self.uow:
            document = self.uow.documents.get(document_id)
            if document is not None:
                self.uow.session.expunge(document)
            return document

    def status(self, document_id: uuid.UUID) -> DocumentStatus:
        document = self.document(document_id)
        assert document is not None
        return document.status

    def queued(self, data: bytes = RECEIPT) -> uuid.UUID:
        """A document the gatekeeper let through, waiting for an extraction worker."""
        document_id = self.upload(data)
        assert documents.gate(self.uow, document_id) == "extract"
        return document_id

    def extracted(self, data: bytes = RECEIPT, engine: ExtractionEngine | None = None) -> uuid.UUID:
        document_id = self.queued(data)
        engine = engine or TextLayerEngine()
        limits = extraction.ExtractionLimits.from_settings(self.settings)
        outcome = extraction.extract(self.uow, self.blobs, engine, document_id, limits)
        assert outcome == "extracted"
        return document_id

    def new_file(self, name: str = "Second client") -> uuid.UUID:
        return admin.create_client_file(self.uow, self.practice_id, name)


@pytest.fixture
def office(uow: UnitOfWork, blobs: LocalBlobStore, settings: Settings) -> Office:
    practice_id = admin.create_practice(uow, "Cabinet Dupont")
    staff_id = admin.create_staff_user(uow, practice_id, "Claire Dupont", "claire@dupont.test")
    file_id = admin.create_client_file(uow, practice_id, "Boulangerie Martin")
    return Office(uow, blobs, settings, practice_id, staff_id, file_id)
