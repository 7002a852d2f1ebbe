"""Registering a practice's endpoint over the API: https to public addresses only (unless
the operator allows private ones), the secret shown once, a readable delivery log."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from tests.api.conftest import World
from tests.api.fakes import FakeWorker
from tests.api.staffing import People, add_people

HOOK = "https://93.184.216.34/hooks"


@pytest.fixture
def people(runtime: Runtime, world: World) -> People:
    return add_people(runtime, world)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://93.184.216.34/hooks", "https_only"),
        ("https://127.0.0.1/hooks", "private_address"),
        ("https://169.254.169.254/latest/meta-data", "private_address"),
        ("https://[::1]/hooks", "private_address"),
        ("https://10.0.0.1/hooks", "private_address"),
        ("https://user:pw@93.184.216.34/", "bad_url"),
        ("https://does-not-exist.invalid/hooks", "unresolvable"),
    ],
)
def test_urls_that_could_reach_inside_are_refused(
    client: TestClient, people: People, url: str, reason: str
) -> None:
    response = client.post("/v1/webhooks", json={"url": url}, headers=people.auth("admin_a"))

    assert response.status_code == 422
    assert response.json()["error"]["reason"] == reason


def test_the_operator_may_allow_private_receivers(
    client: TestClient, runtime: Runtime, people: People
) -> None:
    runtime.settings = runtime.settings.model_copy(update={"webhook_allow_private": True})

    response = client.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hooks"}, headers=people.auth("admin_a")
    )

    assert response.status_code == 201


def test_the_secret_is_shown_once_and_the_log_tells_each_delivery(
    client: TestClient, world: World, people: People, worker: FakeWorker
) -> None:
    body = {"url": HOOK, "event_types": ["client_file.deactivate"]}
    created = client.post("/v1/webhooks", json=body, headers=people.auth("admin_a"))
    assert created.status_code == 201
    endpoint_id, secret = created.json()["id"], created.json()["secret"]
    client.post(f"/v1/client-files/{world.shared}/deactivate", headers=world.auth("staff_a"))
    client.post(f"/v1/client-files/{world.shared}/reactivate", headers=world.auth("staff_a"))
    worker.drain()

    listed = client.get("/v1/webhooks", headers=world.auth("staff_a"))
    log = client.get(f"/v1/webhooks/{endpoint_id}/deliveries", headers=world.auth("staff_a"))

    assert secret not in listed.text
    assert [item["id"] for item in listed.json()["items"]] == [endpoint_id]
    assert listed.json()["items"][0]["event_types"] == ["client_file.deactivate"]
    [delivery] = log.json()["items"]
    assert delivery["status"] == "pending"
    assert delivery["attempts"] == 0


def test_a_filter_must_name_event_types(client: TestClient, people: People) -> None:
    body = {"url": HOOK, "event_types": ["detach"]}

    response = client.post("/v1/webhooks", json=body, headers=people.auth("admin_a"))

    assert response.status_code == 422
    assert response.json()["error"]["reason"] == "bad_event_type"
