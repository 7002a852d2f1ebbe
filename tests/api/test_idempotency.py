"""Idempotency-Key over HTTP: the same request sent again gets the first answer (status
and body) and no second effect; the same key with another request is a 422; keys belong
to the token that sent them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.bootstrap import Runtime
from app.config import Settings
from app.persistence.idempotency import IdempotencyRecord
from app.persistence.models import utcnow
from app.services import idempotency
from tests.api.conftest import World, blob_count, document_count, text_bytes
from tests.api.fakes import FakeDispatcher, FakeWorker

REPLAYED = "Idempotent-Replayed"


def send_upload(
    client: TestClient, world: World, who: str, file_id: uuid.UUID, data: bytes, key: str | None
) -> Any:
    headers = world.auth(who) | ({"Idempotency-Key": key} if key else {})
    return client.post(
        f"/v1/client-files/{file_id}/documents",
        files={"file": ("receipt.txt", data, "text/plain")},
        headers=headers,
    )


def send_action(
    client: TestClient,
    world: World,
    who: str,
    file_id: uuid.UUID,
    action: str,
    key: str,
    **body: Any,
) -> Any:
    return client.post(
        f"/v1/client-files/{file_id}/{action}",
        json=body or None,
        headers=world.auth(who) | {"Idempotency-Key": key},
    )


def keys_recorded(runtime: Runtime) -> int:
    with runtime.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0


def test_an_upload_sent_again_with_its_key_gets_the_first_answer(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    # GIVEN an upload accepted under a key
    data = text_bytes("first")
    first = send_upload(client, world, "staff_a", world.own, data, "scan-0001")
    assert first.status_code == 202
    assert REPLAYED not in first.headers

    # WHEN the producer, who never saw that answer, sends it again with the key
    again = send_upload(client, world, "staff_a", world.own, data, "scan-0001")

    # THEN it gets the first answer, status and body, and nothing more happened
    assert again.status_code == 202
    assert again.json() == first.json()
    assert again.headers[REPLAYED] == "true"
    assert document_count(runtime, world.own) == 1
    assert dispatcher.names().count("dossier.documents.gate") == 1
    # (without a key, the same bytes are the 200 duplicate answer, as before)
    plain = send_upload(client, world, "staff_a", world.own, data, None)
    assert (plain.status_code, plain.json()["duplicate"]) == (200, True)


def test_the_same_key_with_other_bytes_is_422_and_stores_nothing(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    assert (
        send_upload(client, world, "staff_a", world.own, text_bytes("a"), "k-1").status_code == 202
    )

    # WHEN a re-scan (other bytes) is sent under the same key
    reused = send_upload(client, world, "staff_a", world.own, text_bytes("b"), "k-1")

    # THEN it is refused with its own code, and neither a row nor a blob is left of it
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert document_count(runtime, world.own) == 1
    assert blob_count(runtime, world.own) == 1


def test_the_same_key_on_another_file_is_422(client: TestClient, world: World) -> None:
    data = text_bytes("c")
    assert send_upload(client, world, "staff_a", world.own, data, "k-2").status_code == 202
    other = send_upload(client, world, "staff_a", world.shared, data, "k-2")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_belong_to_the_token_that_sent_them(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    # GIVEN staff_a's key
    assert (
        send_upload(client, world, "staff_a", world.shared, text_bytes("d"), "k-3").status_code
        == 202
    )

    # WHEN the client user sends other bytes under the same key string
    theirs = send_upload(client, world, "client_1", world.shared, text_bytes("e"), "k-3")

    # THEN it is their own new request
    assert theirs.status_code == 202
    assert document_count(runtime, world.shared) == 2


def test_an_upload_that_filled_the_quota_is_answered_again_not_refused(
    settings: Settings, dispatcher: FakeDispatcher, world: World, runtime: Runtime
) -> None:
    from app.web import create_app

    runtime.settings = settings.model_copy(update={"upload_quota_documents": 1})
    with TestClient(create_app(runtime, broker_check=lambda: None)) as quota_client:
        data = text_bytes("last one")
        first = send_upload(quota_client, world, "staff_a", world.own, data, "k-4")
        again = send_upload(quota_client, world, "staff_a", world.own, data, "k-4")
        fresh = send_upload(quota_client, world, "staff_a", world.own, text_bytes("x"), "k-5")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert (fresh.status_code, fresh.json()["error"]["reason"]) == (409, "quota_exceeded")


def test_a_malformed_key_is_422(client: TestClient, world: World) -> None:
    response = send_upload(client, world, "staff_a", world.own, text_bytes(), "x" * 256)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["message"]


def test_a_lifecycle_request_sent_again_is_one_job_sent_once(
    client: TestClient,
    world: World,
    runtime: Runtime,
    dispatcher: FakeDispatcher,
    worker: FakeWorker,
) -> None:
    first = send_action(client, world, "staff_a", world.own, "deactivate", "deact-1")
    assert first.status_code == 202
    # even once the job ran (the file is deactivated: a new request would be refused)
    worker.drain()
    again = send_action(client, world, "staff_a", world.own, "deactivate", "deact-1")
    assert again.status_code == 202
    assert again.json() == first.json()
    assert again.headers[REPLAYED] == "true"
    refused = send_action(client, world, "staff_a", world.own, "deactivate", "deact-2")
    assert refused.status_code == 409
    assert keys_recorded(runtime) == 1


def test_a_lifecycle_key_with_another_body_is_422(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    send_action(client, world, "staff_a", world.own, "deactivate", "d-1")
    worker.drain()
    assert (
        send_action(
            client, world, "staff_a", world.own, "reactivate", "r-1", reprocess_skipped=True
        ).status_code
        == 202
    )
    other = send_action(
        client, world, "staff_a", world.own, "reactivate", "r-1", reprocess_skipped=False
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_request_undone_by_a_broker_outage_frees_its_key(
    client: TestClient, world: World, dispatcher: FakeDispatcher, runtime: Runtime
) -> None:
    dispatcher.broken = True
    assert send_action(client, world, "staff_a", world.own, "deactivate", "d-2").status_code == 503
    assert keys_recorded(runtime) == 0
    dispatcher.broken = False
    retried = send_action(client, world, "staff_a", world.own, "deactivate", "d-2")
    assert retried.status_code == 202
    assert REPLAYED not in retried.headers
    assert dispatcher.names() == ["dossier.lifecycle.deactivate"]


def test_keys_past_their_retention_are_removed_and_free_again(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    assert (
        send_upload(client, world, "staff_a", world.own, text_bytes("f"), "old").status_code == 202
    )
    later = utcnow() + timedelta(hours=runtime.settings.idempotency_retention_hours, seconds=1)
    assert idempotency.expire(runtime.uow(), now=utcnow()) == 0
    assert idempotency.expire(runtime.uow(), now=later) == 1
    assert keys_recorded(runtime) == 0
    reused = send_upload(client, world, "staff_a", world.own, text_bytes("g"), "old")
    assert reused.status_code == 202


def test_a_retry_and_a_resend_sent_again_are_one_job_each(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    # GIVEN a document skipped while its file was deactivated, and the file active again
    send_action(client, world, "staff_a", world.own, "deactivate", "d-9")
    worker.drain()
    skipped = send_upload(client, world, "staff_a", world.own, text_bytes("skipped"), None)
    worker.drain()
    send_action(client, world, "staff_a", world.own, "reactivate", "r-9")
    worker.drain()
    retry = f"/v1/documents/{skipped.json()['id']}/retry"

    def post(path: str, key: str | None, **body: Any) -> Any:
        headers = world.auth("staff_a") | ({"Idempotency-Key": key} if key else {})
        return client.post(path, headers=headers, json=body or None)

    # WHEN the retry is sent twice under one key
    first, again = post(retry, "retry-1"), post(retry, "retry-1")

    # THEN one job, the first answer twice; without the key it would be refused now
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers[REPLAYED] == "true"
    assert post(retry, None).status_code == 409
    resend = f"/v1/client-files/{world.own}/resend"
    one, two = post(resend, "resend-1", which="failed"), post(resend, "resend-1", which="failed")
    assert one.json() == two.json()
    assert post(resend, "resend-1", which="skipped").status_code == 422


def test_a_bulk_request_sent_again_gets_its_first_answer_and_sends_nothing_more(
    client: TestClient, world: World, dispatcher: FakeDispatcher
) -> None:
    def bulk(key: str, *files: uuid.UUID) -> Any:
        body = {"action": "deactivate", "client_file_ids": [str(f) for f in files]}
        headers = world.auth("staff_a") | {"Idempotency-Key": key}
        return client.post("/v1/bulk-actions", json=body, headers=headers)

    first = bulk("bulk-1", world.own, world.shared)
    again = bulk("bulk-1", world.own, world.shared)

    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers[REPLAYED] == "true"
    assert dispatcher.names() == ["dossier.lifecycle.deactivate"] * 2
    other = bulk("bulk-1", world.own)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_schedule_sent_again_is_one_schedule(client: TestClient, world: World) -> None:
    when = (utcnow() + timedelta(days=30)).isoformat()
    path = f"/v1/client-files/{world.own}/schedules"
    headers = world.auth("staff_a") | {"Idempotency-Key": "season-end"}
    first = client.post(path, json={"action": "deactivate", "run_at": when}, headers=headers)
    again = client.post(path, json={"action": "deactivate", "run_at": when}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = client.get(path, headers=world.auth("staff_a")).json()["items"]
    assert len(listed) == 1
