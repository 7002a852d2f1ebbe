"""Uploads over HTTP: accepted, deduplicated, and every bad one refused with nothing left."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from starlette.requests import ClientDisconnect

from app.api import uploads
from app.bootstrap import Runtime
from app.domain.model import FileStatus
from app.errors import InvalidInput, UploadTooLarge
from app.persistence.models import ClientFile
from tests.api.conftest import (
    MAX_UPLOAD,
    PDF,
    World,
    blob_count,
    document_count,
    text_bytes,
    upload,
)
from tests.api.fakes import FakeDispatcher

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def assert_nothing_stored(runtime: Runtime, file_id: uuid.UUID) -> None:
    assert document_count(runtime, file_id) == 0
    assert blob_count(runtime, file_id) == 0


def test_an_upload_is_stored_and_sent_to_the_gatekeeper(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    status, body = upload(client, world, "staff_a", world.shared, text_bytes())

    assert status == 202
    assert body["status"] == "pending"
    assert body["duplicate"] is False
    assert dispatcher.names() == ["dossier.documents.gate"]
    assert document_count(runtime, world.shared) == blob_count(runtime, world.shared) == 1


def test_the_same_bytes_twice_answer_200_with_the_first_document(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    data = text_bytes()
    _, first = upload(client, world, "staff_a", world.shared, data)

    status, second = upload(client, world, "client_1", world.shared, data, filename="again.txt")

    assert status == 200
    assert second["id"] == first["id"]
    assert second["duplicate"] is True
    assert document_count(runtime, world.shared) == 1


def test_the_type_comes_from_the_bytes_not_the_name(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    status, body = upload(
        client,
        world,
        "staff_a",
        world.shared,
        PNG,
        filename="scan.pdf",
        content_type="application/pdf",
    )
    assert status == 202
    document = client.get(f"/v1/documents/{body['id']}", headers=world.auth("staff_a")).json()
    assert document["content_type"] == "image/png"
    assert document["filename"] == "scan.pdf"


def test_a_mislabelled_binary_is_refused_with_415(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    status, body = upload(
        client,
        world,
        "staff_a",
        world.shared,
        ELF,
        filename="invoice.pdf",
        content_type="application/pdf",
    )
    assert status == 415
    assert body["error"]["code"] == "unsupported_file_type"
    assert_nothing_stored(runtime, world.shared)


def test_an_oversized_upload_is_refused_with_413(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    data = PDF + b"0" * MAX_UPLOAD
    status, body = upload(client, world, "staff_a", world.shared, data, filename="big.pdf")
    assert status == 413
    assert body["error"]["code"] == "upload_too_large"
    assert_nothing_stored(runtime, world.shared)


def test_a_file_of_exactly_the_limit_is_accepted(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    data = PDF + b"0" * (MAX_UPLOAD - len(PDF))
    status, _ = upload(client, world, "staff_a", world.shared, data, filename="edge.pdf")
    assert status == 202


def test_an_oversized_body_without_a_length_is_refused(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    boundary = "edge"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()

    def body() -> object:
        yield head + PDF
        for _ in range(16):
            yield b"0" * 65536

    response = client.post(
        f"/v1/client-files/{world.shared}/documents",
        content=body(),  # type: ignore[arg-type]
        headers={
            **world.auth("staff_a"),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 413
    assert_nothing_stored(runtime, world.shared)


def test_an_empty_file_is_refused(client: TestClient, world: World, runtime: Runtime) -> None:
    status, body = upload(client, world, "staff_a", world.shared, b"", filename="empty.txt")
    assert status == 422
    assert body["error"]["code"] == "empty_upload"
    assert_nothing_stored(runtime, world.shared)


def test_a_body_cut_off_before_its_end_is_refused(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    boundary = "cut"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode() + text_bytes()  # no closing boundary: the connection dropped
    response = client.post(
        f"/v1/client-files/{world.shared}/documents",
        content=body,
        headers={
            **world.auth("staff_a"),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 422
    assert "cut off" in response.json()["error"]["message"]
    assert_nothing_stored(runtime, world.shared)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"json": {"file": "aGVsbG8="}}, "multipart/form-data"),
        ({"files": {"document": ("a.txt", text_bytes(), "text/plain")}}, "no field named 'file'"),
        (
            # A value, not a file part, in `file`; the other part keeps the body multipart.
            {"data": {"file": "hello"}, "files": {"note": ("n.txt", b"x", "text/plain")}},
            "not a file",
        ),
    ],
    ids=["not-multipart", "no-file-field", "form-value-in-file"],
)
def test_a_body_without_a_file_part_named_file_is_refused(
    client: TestClient, world: World, runtime: Runtime, body: dict[str, Any], said: str
) -> None:
    response = client.post(
        f"/v1/client-files/{world.shared}/documents", headers=world.auth("staff_a"), **body
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert said in response.json()["error"]["message"]
    assert_nothing_stored(runtime, world.shared)


def test_two_files_in_one_request_are_refused(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    response = client.post(
        f"/v1/client-files/{world.shared}/documents",
        files=[
            ("file", ("a.txt", text_bytes("a"), "text/plain")),
            ("file", ("b.txt", text_bytes("b"), "text/plain")),
        ],
        headers=world.auth("staff_a"),
    )
    assert response.status_code == 422
    assert_nothing_stored(runtime, world.shared)


def test_a_file_being_deleted_refuses_uploads_with_409(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    with runtime.uow() as uow:
        uow.session.execute(
            update(ClientFile).where(ClientFile.id == world.own).values(status=FileStatus.DELETING)
        )
        uow.commit()

    status, body = upload(client, world, "staff_a", world.own, text_bytes())

    assert status == 409
    assert body["error"]["reason"] == "file_being_deleted"
    assert_nothing_stored(runtime, world.own)


def test_a_path_in_the_filename_is_reduced_to_its_name(client: TestClient, world: World) -> None:
    _, body = upload(
        client, world, "staff_a", world.shared, text_bytes(), filename="C:\\x\\..\\r.txt"
    )
    document = client.get(f"/v1/documents/{body['id']}", headers=world.auth("staff_a")).json()
    assert document["filename"] == "r.txt"


def test_the_reader_stops_reading_once_the_limit_is_crossed() -> None:
    boundary = b"edge"
    head = b'--edge\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
    pulled: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield head + PDF
        for _ in range(1000):  # 64 MiB if nobody stops reading
            pulled.append(1)
            yield b"0" * 65536

    with pytest.raises(UploadTooLarge):
        asyncio.run(uploads.read_file_part(chunks(), boundary, MAX_UPLOAD))
    assert len(pulled) <= MAX_UPLOAD // 65536 + 2


def test_a_client_that_disconnects_mid_upload_is_an_invalid_upload() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'--edge\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        raise ClientDisconnect()

    with pytest.raises(InvalidInput, match="cut off"):
        asyncio.run(uploads.read_file_part(chunks(), b"edge", MAX_UPLOAD))


def test_a_large_upload_is_spooled_to_disk_and_stored_byte_for_byte(
    client: TestClient,
    world: World,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hashlib
    import os

    # Spool anything over 1 KiB to a temporary file, as a 20 MiB upload would be.
    monkeypatch.setattr(uploads, "SPOOL_IN_MEMORY_BYTES", 1024)
    data = PDF + os.urandom(MAX_UPLOAD - len(PDF) - 10)

    status, body = upload(client, world, "staff_a", world.shared, data, filename="scan.pdf")

    assert status == 202
    with runtime.uow() as uow:
        document = uow.documents.get(uuid.UUID(body["id"]))
        assert document is not None
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert document.size_bytes == len(data)
        assert runtime.blobs.get(document.blob_key) == data


@pytest.mark.parametrize("file_id", ["not-a-file", "1234", "%7Bx%7D"])
def test_a_malformed_file_id_is_refused_in_the_words_of_every_route(
    client: TestClient, world: World, file_id: str
) -> None:
    """The upload route reads its parameters itself (UploadRoute); a path parameter it
    cannot read is the 422 FastAPI gives on the file's other routes, word for word."""
    upload_answer = client.post(
        f"/v1/client-files/{file_id}/documents",
        files={"file": ("r.txt", text_bytes(), "text/plain")},
        headers=world.auth("staff_a"),
    )
    listing = client.get(f"/v1/client-files/{file_id}/documents", headers=world.auth("staff_a"))

    assert upload_answer.status_code == listing.status_code == 422
    assert upload_answer.json() == listing.json()
    assert upload_answer.json()["error"]["problems"][0]["where"] == "path.client_file_id"


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-token"]
)
def test_the_upload_route_refuses_what_every_route_refuses_without_a_token(
    client: TestClient, world: World, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    upload_answer = client.post(
        f"/v1/client-files/{world.shared}/documents",
        files={"file": ("r.txt", text_bytes(), "text/plain")},
        headers=headers,
    )
    listing = client.get(f"/v1/client-files/{world.shared}/documents", headers=headers)

    assert upload_answer.status_code == listing.status_code == 401
    assert upload_answer.json() == listing.json()
    assert upload_answer.headers["www-authenticate"] == "Bearer"
