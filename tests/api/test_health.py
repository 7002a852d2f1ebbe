"""Probes: up whenever the process answers; ready only when database and broker are."""

from __future__ import annotations

import os
from collections.abc import Iterator

from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from tests.api.conftest import Broker, World


def test_healthz_needs_no_token(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")


def test_readyz_is_ready_when_database_and_broker_answer(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "broker": "ok"}


def test_readyz_is_503_when_the_broker_is_down(client: TestClient, broker: Broker) -> None:
    broker.healthy = False
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"


def test_readyz_is_503_when_the_database_is_gone(client: TestClient, runtime: Runtime) -> None:
    database = runtime.settings.database_url.removeprefix("sqlite:///")
    runtime.db.dispose()
    # A database the process can no longer open: a directory where the file was.
    os.replace(database, database + ".moved")
    os.mkdir(database)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/v1/client-files/{client_file_id}/documents" in schema["paths"]
    assert "multipart/form-data" in str(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_unknown_routes_use_the_error_shape(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_huge_json_body_is_refused_with_413(client: TestClient, world: World) -> None:
    response = client.post(
        f"/v1/client-files/{world.shared}/invitations",
        content=b'{"email": "' + b"a" * 200_000 + b'@x.test"}',
        headers={**world.auth("staff_a"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_a_streamed_json_body_is_cut_off_at_the_limit(client: TestClient, world: World) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"email": "'
        for _ in range(100):
            yield b"a" * 4096
        yield b'@x.test"}'

    response = client.post(
        f"/v1/client-files/{world.shared}/invitations",
        content=chunks(),
        headers={**world.auth("staff_a"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_the_schema_documents_401_on_every_v1_operation(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = [
        op for path, item in paths.items() if path.startswith("/v1") for op in item.values()
    ]
    assert operations
    assert all("401" in operation["responses"] for operation in operations)
