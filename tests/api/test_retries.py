"""Retry, resend and a file's job list over HTTP, with the file's access rules."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.domain.model import DocumentStatus
from app.services import extraction, messages
from tests.api.conftest import World, attach_over_api, text_bytes, upload
from tests.api.fakes import FakeDispatcher, FakeWorker


def failed_document(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker, data: bytes
) -> str:
    status, body = upload(client, world, "staff_a", world.own, data)
    assert status == 202
    worker.drain()
    document_id = uuid.UUID(str(body["id"]))
    limits = extraction.ExtractionLimits.from_settings(runtime.settings)
    assert extraction.claim_for_extraction(runtime.uow(), document_id, limits) is not None
    assert extraction.record_failure(runtime.uow(), document_id, "The engine gave up.")
    return str(document_id)


def test_retry_sends_a_failed_document_again_once(
    client: TestClient,
    world: World,
    runtime: Runtime,
    worker: FakeWorker,
    dispatcher: FakeDispatcher,
) -> None:
    document_id = failed_document(client, world, runtime, worker, text_bytes("a"))
    dispatcher.sent.clear()

    response = client.post(f"/v1/documents/{document_id}/retry", headers=world.auth("staff_a"))

    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["action"], job["status"], job["counts"]) == (
        "retry",
        "done",
        {"documents_resent": 1},
    )
    assert dispatcher.names() == [messages.GATE]
    again = client.post(f"/v1/documents/{document_id}/retry", headers=world.auth("staff_a"))
    assert again.status_code == 409
    assert again.json()["error"]["reason"] == "still_in_progress"
    document = client.get(f"/v1/documents/{document_id}", headers=world.auth("staff_a")).json()
    assert document["status"] == "pending"


def test_reuploading_a_failed_document_offers_the_retry(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    data = text_bytes("b")
    document_id = failed_document(client, world, runtime, worker, data)

    status, body = upload(client, world, "staff_a", world.own, data)

    assert status == 200
    assert body["duplicate"] is True
    assert body["status"] == "failed"
    assert body["retry"] == f"/v1/documents/{document_id}/retry"


def test_retry_on_a_deactivated_file_is_refused_and_changes_nothing(
    client: TestClient,
    world: World,
    runtime: Runtime,
    worker: FakeWorker,
    dispatcher: FakeDispatcher,
) -> None:
    document_id = failed_document(client, world, runtime, worker, text_bytes("c"))
    client.post(f"/v1/client-files/{world.own}/deactivate", headers=world.auth("staff_a"))
    worker.drain()
    dispatcher.sent.clear()

    response = client.post(f"/v1/documents/{document_id}/retry", headers=world.auth("staff_a"))

    assert response.status_code == 409
    assert response.json()["error"]["reason"] == "client_file_deactivated"
    assert dispatcher.sent == []
    document = client.get(f"/v1/documents/{document_id}", headers=world.auth("staff_a")).json()
    assert document["status"] == "failed"


@pytest.mark.parametrize("who", ["staff_b", "client_2", "client_1"])
def test_retry_of_a_document_the_caller_cannot_see_is_not_found(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker, who: str
) -> None:
    document_id = failed_document(client, world, runtime, worker, text_bytes(who))

    response = client.post(f"/v1/documents/{document_id}/retry", headers=world.auth(who))

    assert response.status_code == 404


def test_resend_dry_run_counts_then_resend_sends(
    client: TestClient,
    world: World,
    runtime: Runtime,
    worker: FakeWorker,
    dispatcher: FakeDispatcher,
) -> None:
    ids = [failed_document(client, world, runtime, worker, text_bytes(f"d{n}")) for n in range(3)]
    dispatcher.sent.clear()
    path = f"/v1/client-files/{world.own}/resend"

    preview = client.post(
        path, json={"which": "failed", "dry_run": True}, headers=world.auth("staff_a")
    )
    assert preview.status_code == 200
    assert preview.json()["documents"] == 3
    assert dispatcher.sent == []

    sent = client.post(path, json={"which": "failed"}, headers=world.auth("staff_a"))
    assert sent.status_code == 202
    assert sent.json()["counts"] == {"documents_resent": 3}
    assert sorted(m.payload["document_id"] for m in dispatcher.sent) == sorted(ids)

    bad = client.post(path, json={"which": "extracted"}, headers=world.auth("staff_a"))
    assert bad.status_code == 422


def test_jobs_lists_a_files_jobs_newest_first_to_those_who_see_it(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    document_id = failed_document(client, world, runtime, worker, text_bytes("e"))
    client.post(f"/v1/documents/{document_id}/retry", headers=world.auth("staff_a"))
    client.post(f"/v1/client-files/{world.own}/deactivate", headers=world.auth("staff_a"))

    pending = client.get(f"/v1/client-files/{world.own}/jobs", headers=world.auth("staff_a"))
    assert pending.status_code == 200
    assert [(j["action"], j["status"]) for j in pending.json()["items"]] == [
        ("deactivate", "pending"),
        ("retry", "done"),
    ]
    worker.drain()
    page = client.get(
        f"/v1/client-files/{world.own}/jobs?limit=1", headers=world.auth("staff_a")
    ).json()
    assert page["total"] == 2
    assert [(j["action"], j["status"]) for j in page["items"]] == [("deactivate", "done")]
    hidden = client.get(f"/v1/client-files/{world.own}/jobs", headers=world.auth("staff_b"))
    assert hidden.status_code == 404


def test_a_new_practice_never_sees_the_jobs_of_the_former_one(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    auth_a, auth_c1 = world.auth("staff_a"), world.auth("client_1")
    client.post(f"/v1/client-files/{world.shared}/detach", headers=auth_a)
    worker.drain()
    attach_over_api(client, world, "client_1", world.shared, "staff_b")
    client.post(f"/v1/client-files/{world.shared}/deactivate", headers=world.auth("staff_b"))

    seen_by_b = client.get(f"/v1/client-files/{world.shared}/jobs", headers=world.auth("staff_b"))
    seen_by_client = client.get(f"/v1/client-files/{world.shared}/jobs", headers=auth_c1)

    # Its own jobs and the client's, never practice A's (invite, detach).
    assert [j["action"] for j in seen_by_b.json()["items"]] == [
        "deactivate",
        "attach",
        "request_attach",
        "accept_invitation",
    ]
    actions = [j["action"] for j in seen_by_client.json()["items"]]
    assert "detach" in actions
    assert "invite_client_user" not in [j["action"] for j in seen_by_b.json()["items"]]


def test_document_status_after_retry_is_gated_again(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    document_id = failed_document(client, world, runtime, worker, text_bytes("f"))
    client.post(f"/v1/documents/{document_id}/retry", headers=world.auth("staff_a"))
    worker.drain()
    with runtime.uow() as uow:
        document = uow.documents.get(uuid.UUID(document_id))
        assert document is not None
        assert document.status is DocumentStatus.QUEUED
