"""An API over a fresh SQLite database, with two practices and their clients."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from app.bootstrap import Runtime, build_runtime
from app.config import Settings
from app.persistence import auth  # noqa: F401  (the API tables)
from app.persistence.models import Base, Document
from app.services import admin, tokens
from app.web import create_app
from tests.api.fakes import FakeDispatcher, FakeWorker
from tests.support.consent import invite_and_accept

MAX_UPLOAD = 64 * 1024
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def text_bytes(label: str = "") -> bytes:
    return f"Receipt {label or uuid.uuid4()}\nTotal 12.50 EUR\n".encode()


@dataclass
class Broker:
    healthy: bool = True

    def check(self) -> None:
        if not self.healthy:
            raise ConnectionError("no broker")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}",
        storage_dir=tmp_path / "blobs",
        embedded_dir=tmp_path / "var",
        max_upload_bytes=MAX_UPLOAD,
    )


@pytest.fixture
def dispatcher() -> FakeDispatcher:
    return FakeDispatcher()


@pytest.fixture
def runtime(settings: Settings, dispatcher: FakeDispatcher) -> Iterator[Runtime]:
    runtime = build_runtime(settings, dispatcher)
    Base.metadata.create_all(runtime.db)
    yield runtime
    runtime.close()


@pytest.fixture
def broker() -> Broker:
    return Broker()


@pytest.fixture
def client(runtime: Runtime, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(runtime, broker_check=broker.check)) as test_client:
        yield test_client


@pytest.fixture
def worker(runtime: Runtime, dispatcher: FakeDispatcher) -> FakeWorker:
    return FakeWorker(runtime, dispatcher)


@dataclass
class World:
    """Practices A and B; A's files: `shared` (client user c1) and `own` (no client
    user); B's file `other` (client user c2). Each person holds a token."""

    practice_a: uuid.UUID
    practice_b: uuid.UUID
    shared: uuid.UUID
    own: uuid.UUID
    other: uuid.UUID
    users: dict[str, uuid.UUID]
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        if who == "anonymous":
            return {}
        if who == "bad_token":
            return {"Authorization": "Bearer dos_not-a-real-token"}
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def invite(runtime: Runtime, file_id: uuid.UUID, by: uuid.UUID, email: str) -> uuid.UUID:
    return invite_and_accept(runtime.uow(), file_id, by, email)


@pytest.fixture
def world(runtime: Runtime) -> World:
    practice_a = admin.create_practice(runtime.uow(), "Alpha Accounting")
    practice_b = admin.create_practice(runtime.uow(), "Beta Books")
    staff_a = admin.create_staff_user(runtime.uow(), practice_a, "Ann", "ann@alpha.test")
    staff_b = admin.create_staff_user(runtime.uow(), practice_b, "Bob", "bob@beta.test")
    shared = admin.create_client_file(runtime.uow(), practice_a, "Bakery")
    own = admin.create_client_file(runtime.uow(), practice_a, "Florist")
    other = admin.create_client_file(runtime.uow(), practice_b, "Garage")
    client_1 = invite(runtime, shared, staff_a, "c1@bakery.test")
    client_2 = invite(runtime, other, staff_b, "c2@garage.test")
    people = {"staff_a": staff_a, "staff_b": staff_b, "client_1": client_1, "client_2": client_2}
    issued = {who: tokens.issue(runtime.uow(), user).secret for who, user in people.items()}
    return World(practice_a, practice_b, shared, own, other, people, issued)


EMAILS = {"staff_a": "ann@alpha.test", "staff_b": "bob@beta.test"}


def ask_over_api(
    client: TestClient, world: World, asker: str, file_id: uuid.UUID, address: str
) -> Response:
    """The client asks, by `address`, the practice it names to take the detached file."""
    return client.post(
        f"/v1/client-files/{file_id}/attach",
        json={"practice_email": address},
        headers=world.auth(asker),
    )


def attach_over_api(
    client: TestClient, world: World, asker: str, file_id: uuid.UUID, practice_staff: str
) -> dict[str, object]:
    """The client asks the practice of `practice_staff` to take the detached file, by that
    staff member's address, and the practice accepts: the accepted request."""
    asked = ask_over_api(client, world, asker, file_id, EMAILS[practice_staff])
    assert asked.status_code == 202, asked.text
    request_id = asked.json()["id"]
    accepted = client.post(
        f"/v1/attach-requests/{request_id}/accept", headers=world.auth(practice_staff)
    )
    assert accepted.status_code == 200, accepted.text
    body: dict[str, object] = accepted.json()
    return body


def upload(
    client: TestClient,
    world: World,
    who: str,
    file_id: uuid.UUID,
    data: bytes,
    *,
    filename: str = "receipt.txt",
    content_type: str = "text/plain",
) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"/v1/client-files/{file_id}/documents",
        files={"file": (filename, data, content_type)},
        headers=world.auth(who),
    )
    return response.status_code, response.json()


def document_count(runtime: Runtime, file_id: uuid.UUID) -> int:
    with runtime.uow() as uow:
        query = select(func.count()).where(Document.client_file_id == file_id)
        return uow.session.scalar(query) or 0


def blob_count(runtime: Runtime, file_id: uuid.UUID) -> int:
    return runtime.blobs.count_prefix(str(file_id))
