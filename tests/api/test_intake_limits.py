"""A practice's upload rate (429 with Retry-After) and document quota (409), counted
across every web process (Redis and PostgreSQL), before the body is read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage

from app.api.ratelimit import PracticeUploads
from app.bootstrap import Runtime
from app.config import Settings
from app.web import create_app
from tests.api.conftest import Broker, World, text_bytes, upload


@pytest.fixture
def limited(
    runtime: Runtime, settings: Settings, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> TestClient:
    monkeypatch.setattr(settings, "upload_rate_per_minute", 2)
    counter = PracticeUploads(MemoryStorage())
    return TestClient(create_app(runtime, broker_check=broker.check, rate_counter=counter))


def test_an_upload_over_the_practices_rate_is_refused_with_retry_after(
    limited: TestClient, world: World
) -> None:
    statuses = [upload(limited, world, "staff_a", world.own, text_bytes())[0] for _ in range(3)]
    response = limited.post(
        f"/v1/client-files/{world.shared}/documents",
        files={"file": ("r.txt", text_bytes(), "text/plain")},
        headers=world.auth("client_1"),
    )
    other_practice, _ = upload(limited, world, "staff_b", world.other, text_bytes())

    assert statuses == [202, 202, 429]
    assert response.status_code == 429, "the rate is the practice's, whoever uploads"
    assert response.headers["Retry-After"] == "60"
    assert response.json()["error"]["code"] == "rate_limited"
    assert other_practice == 202


def test_an_upload_over_the_practices_quota_is_refused(
    client: TestClient, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "upload_quota_documents", 2)
    first = upload(client, world, "staff_a", world.own, text_bytes())[0]
    second = upload(client, world, "staff_a", world.shared, text_bytes())[0]

    status, body = upload(client, world, "staff_a", world.own, text_bytes())

    assert (first, second, status) == (202, 202, 409)
    error = body["error"]
    assert isinstance(error, dict)
    assert error["reason"] == "quota_exceeded"
