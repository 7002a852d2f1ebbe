"""Retention holds and the deletion grace period over HTTP."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from tests.api.conftest import MAX_UPLOAD, World, text_bytes, upload
from tests.api.fakes import FakeWorker

LATER = datetime.now(UTC) + timedelta(days=365)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}",
        storage_dir=tmp_path / "blobs",
        embedded_dir=tmp_path / "var",
        max_upload_bytes=MAX_UPLOAD,
        deletion_grace_days=7,
    )


def call(
    client: TestClient, world: World, who: str, method: str, path: str, **body: Any
) -> tuple[int, dict[str, Any]]:
    response = client.request(method, path, json=body or None, headers=world.auth(who))
    return response.status_code, response.json()


def hold_path(file_id: uuid.UUID) -> str:
    return f"/v1/client-files/{file_id}/retention-hold"


def test_a_hold_refuses_deletion_with_its_end_date_until_released(
    client: TestClient, world: World
) -> None:
    status, placed = call(
        client,
        world,
        "staff_a",
        "PUT",
        hold_path(world.own),
        reason="tax audit",
        until=LATER.isoformat(),
    )
    refused_status, refused = call(
        client, world, "staff_a", "POST", f"/v1/client-files/{world.own}/delete"
    )
    released_status, released = call(client, world, "staff_a", "DELETE", hold_path(world.own))
    allowed_status, _ = call(
        client, world, "staff_a", "POST", f"/v1/client-files/{world.own}/delete"
    )

    assert (status, placed["active"], placed["reason"]) == (200, True, "tax audit")
    assert refused_status == 409
    assert refused["error"]["reason"] == "retention_hold"
    assert datetime.fromisoformat(refused["error"]["until"]) == LATER
    assert (released_status, released["until"], released["active"]) == (200, None, False)
    assert allowed_status == 202


def test_who_may_see_and_change_a_hold(client: TestClient, world: World) -> None:
    body = {"reason": "dispute", "until": LATER.isoformat()}

    client_status, refused = call(client, world, "client_1", "PUT", hold_path(world.shared), **body)
    client_reads, _ = call(client, world, "client_1", "GET", hold_path(world.shared))
    stranger, _ = call(client, world, "staff_b", "PUT", hold_path(world.shared), **body)
    unknown, _ = call(client, world, "staff_a", "GET", hold_path(uuid.uuid4()))

    assert (client_status, refused["error"]["reason"]) == (409, "practice_staff_only")
    assert (client_reads, stranger, unknown) == (200, 404, 404)


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "audit", "until": "2030-01-01T00:00:00"},
        {"reason": "audit", "until": "2001-01-01T00:00:00Z"},
        {"reason": "", "until": LATER.isoformat()},
        {"until": LATER.isoformat()},
    ],
)
def test_bad_holds_are_422(client: TestClient, world: World, body: dict[str, Any]) -> None:
    status, refused = call(client, world, "staff_a", "PUT", hold_path(world.own), **body)
    assert (status, refused["error"]["code"]) == (422, "invalid_input")


def test_a_deleted_file_is_hidden_during_its_grace_period_and_can_be_given_back(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    upload(client, world, "staff_a", world.own, text_bytes("kept"))
    call(client, world, "staff_a", "POST", f"/v1/client-files/{world.own}/delete")
    worker.drain()

    hidden, _ = call(client, world, "staff_a", "GET", f"/v1/client-files/{world.own}")
    upload_status, _ = upload(client, world, "staff_a", world.own, text_bytes("late"))
    _, deleting = call(client, world, "staff_a", "GET", "/v1/client-files?status=deleting")
    not_client, _ = call(
        client, world, "client_1", "POST", f"/v1/client-files/{world.own}/cancel-deletion"
    )
    status, cancelled = call(
        client, world, "staff_a", "POST", f"/v1/client-files/{world.own}/cancel-deletion"
    )
    back, shown = call(client, world, "staff_a", "GET", f"/v1/client-files/{world.own}")
    twice, refused = call(
        client, world, "staff_a", "POST", f"/v1/client-files/{world.own}/cancel-deletion"
    )

    assert hidden == 404
    assert upload_status == 409  # as documented: file_being_deleted (see below)
    assert [item["id"] for item in deleting["items"]] == [str(world.own)]
    assert not_client == 404  # client_1 has no access to `own`
    assert (status, cancelled["status"]) == (200, "cancelled")
    assert (back, shown["status"], sum(shown["documents"].values())) == (200, "active", 1)
    assert (twice, refused["error"]["reason"]) == (409, "not_being_deleted")


def test_during_the_grace_period_the_job_gives_the_removal_date_and_uploads_are_409(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    _, asked = call(client, world, "staff_a", "POST", f"/v1/client-files/{world.own}/delete")
    worker.drain()

    _, job = call(client, world, "staff_a", "GET", f"/v1/lifecycle-jobs/{asked['id']}")
    status, refused = upload(client, world, "staff_a", world.own, text_bytes("late"))
    stranger, _ = upload(client, world, "staff_b", world.own, text_bytes("late"))

    assert job["status"] == "running"
    assert re.search(r"removed after \d{4}-\d\d-\d\d \d\d:\d\d UTC", job["message"] or "")
    assert (status, refused["error"]["reason"]) == (409, "file_being_deleted")
    assert stranger == 404  # nothing about the file to anybody who never saw it


def test_a_cancel_deletion_sent_again_gets_its_first_answer_not_a_refusal(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    call(client, world, "staff_a", "POST", f"/v1/client-files/{world.own}/delete")
    worker.drain()
    path = f"/v1/client-files/{world.own}/cancel-deletion"
    headers = world.auth("staff_a") | {"Idempotency-Key": "give-it-back"}

    first = client.post(path, headers=headers)
    again = client.post(path, headers=headers)
    unkeyed, refused = call(client, world, "staff_a", "POST", path)

    assert (first.status_code, first.json()["status"]) == (200, "cancelled")
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (unkeyed, refused["error"]["reason"]) == (409, "not_being_deleted")
