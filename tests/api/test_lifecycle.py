"""The Manage menu over HTTP: checked at once, run by a worker, followed by job id."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.bootstrap import Runtime
from app.persistence.auth import LifecycleRequest
from app.persistence.models import LifecycleJob
from app.services import requests
from tests.api.conftest import (
    World,
    attach_over_api,
    blob_count,
    document_count,
    text_bytes,
    upload,
)
from tests.api.fakes import FakeDispatcher, FakeWorker
from tests.support.consent import invitation_token


def post(
    client: TestClient, world: World, who: str, file_id: uuid.UUID, action: str, **body: Any
) -> tuple[int, dict[str, Any]]:
    response = client.post(
        f"/v1/client-files/{file_id}/{action}", json=body or None, headers=world.auth(who)
    )
    return response.status_code, response.json()


def get(client: TestClient, world: World, who: str, path: str) -> tuple[int, dict[str, Any]]:
    response = client.get(path, headers=world.auth(who))
    return response.status_code, response.json()


def jobs_recorded(runtime: Runtime) -> int:
    with runtime.uow() as uow:
        requests = uow.session.scalar(select(func.count()).select_from(LifecycleRequest))
        jobs = uow.session.scalar(select(func.count()).select_from(LifecycleJob))
        return (requests or 0) + (jobs or 0)


def test_deactivate_is_pending_until_a_worker_runs_it(
    client: TestClient, world: World, dispatcher: FakeDispatcher, worker: FakeWorker
) -> None:
    status, accepted = post(client, world, "staff_a", world.shared, "deactivate")

    assert status == 202
    assert accepted["status"] == "pending"
    [message] = dispatcher.sent
    assert message.name == "dossier.lifecycle.deactivate"
    assert message.payload["job_id"] == accepted["id"] == str(message.task_id)
    _, job = get(client, world, "staff_a", f"/v1/lifecycle-jobs/{accepted['id']}")
    assert job["status"] == "pending"
    assert job["created_at"] == accepted["created_at"]

    worker.drain()

    _, job = get(client, world, "staff_a", f"/v1/lifecycle-jobs/{accepted['id']}")
    assert job["status"] == "done"
    assert job["created_at"] == accepted["created_at"]
    assert datetime.fromisoformat(job["created_at"]) <= datetime.fromisoformat(job["finished_at"])
    _, listed = get(client, world, "staff_a", "/v1/client-files?status=deactivated")
    assert [item["id"] for item in listed["items"]] == [str(world.shared)]


def test_a_refused_action_is_409_with_the_reason_and_records_nothing(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    before = jobs_recorded(runtime)

    status, body = post(client, world, "staff_a", world.shared, "delete")

    assert status == 409
    assert body["error"]["code"] == "action_refused"
    assert body["error"]["reason"] == "has_client_users"
    assert body["error"]["client_file_id"] == str(world.shared)
    assert dispatcher.sent == []
    assert jobs_recorded(runtime) == before
    _, file = get(client, world, "staff_a", f"/v1/client-files/{world.shared}")
    assert file["status"] == "active"


def test_a_broker_outage_answers_503_and_leaves_no_pending_job(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    dispatcher.broken = True
    before = jobs_recorded(runtime)

    status, body = post(client, world, "staff_a", world.shared, "deactivate")

    assert status == 503
    assert body["error"]["code"] == "unavailable"
    assert jobs_recorded(runtime) == before


def test_uploads_while_deactivated_are_skipped_and_can_be_resent_on_reactivation(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    post(client, world, "staff_a", world.shared, "deactivate")
    worker.drain()
    _, uploaded = upload(client, world, "client_1", world.shared, text_bytes())
    worker.drain()
    _, document = get(client, world, "client_1", f"/v1/documents/{uploaded['id']}")
    assert (document["status"], document["reason"]) == ("skipped", "client_file_deactivated")

    status, accepted = post(
        client, world, "staff_a", world.shared, "reactivate", reprocess_skipped=True
    )
    worker.drain()

    assert status == 202
    _, job = get(client, world, "staff_a", f"/v1/lifecycle-jobs/{accepted['id']}")
    assert job["counts"]["documents_resent"] == 1
    _, document = get(client, world, "client_1", f"/v1/documents/{uploaded['id']}")
    assert document["status"] == "queued"


def test_after_detach_the_practice_loses_the_file_and_the_client_keeps_it(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    _, uploaded = upload(client, world, "staff_a", world.shared, text_bytes())
    status, _ = post(client, world, "staff_a", world.shared, "detach")
    worker.drain()

    assert status == 202
    for path in (
        f"/v1/client-files/{world.shared}",
        f"/v1/client-files/{world.shared}/documents",
        f"/v1/client-files/{world.shared}/actions",
        f"/v1/documents/{uploaded['id']}",
    ):
        assert get(client, world, "staff_a", path)[0] == 404, path
        assert get(client, world, "client_1", path)[0] == 200, path
    assert upload(client, world, "staff_a", world.shared, text_bytes())[0] == 404
    _, listed = get(client, world, "staff_a", "/v1/client-files")
    assert str(world.shared) not in [item["id"] for item in listed["items"]]


def test_a_detached_client_subscribes_and_attaches_to_another_practice(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    post(client, world, "staff_a", world.shared, "detach")
    worker.drain()

    status, subscribed = post(client, world, "client_1", world.shared, "subscribe")
    assert (status, subscribed["status"]) == (202, "done")
    attached = attach_over_api(client, world, "client_1", world.shared, "staff_b")
    assert attached["status"] == "accepted"

    _, file = get(client, world, "staff_b", f"/v1/client-files/{world.shared}")
    assert (file["billing"], file["practice_id"]) == ("individual", str(world.practice_b))
    _, actions = get(client, world, "staff_b", f"/v1/client-files/{world.shared}/actions")
    allowed = {item["action"] for item in actions["items"] if item["allowed"]}
    assert "delete" not in allowed
    assert "detach" in allowed


def test_delete_removes_every_row_and_blob_and_the_job_stays_readable(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    for n in range(5):
        upload(client, world, "staff_a", world.own, text_bytes(str(n)))
    worker.drain()

    status, accepted = post(client, world, "staff_a", world.own, "delete")
    worker.drain()

    assert status == 202
    assert get(client, world, "staff_a", f"/v1/client-files/{world.own}")[0] == 404
    assert document_count(runtime, world.own) == blob_count(runtime, world.own) == 0
    _, job = get(client, world, "staff_a", f"/v1/lifecycle-jobs/{accepted['id']}")
    assert job["status"] == "done"
    assert job["counts"]["documents_deleted"] == 5
    assert job["counts"]["blobs_deleted"] >= 5
    assert get(client, world, "staff_b", f"/v1/lifecycle-jobs/{accepted['id']}")[0] == 404


def test_an_accepted_invitation_gives_access_and_forbids_delete(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    status, _ = post(client, world, "staff_a", world.own, "invitations", email="new@florist.test")
    assert status == 201
    accepted = client.post(
        "/v1/invitations/accept",
        json={"token": invitation_token(runtime.uow(), "new@florist.test")},
    )
    assert accepted.status_code == 201

    status, body = post(client, world, "staff_a", world.own, "delete")
    assert (status, body["error"]["reason"]) == (409, "has_client_users")


def test_the_manage_menu_explains_each_action_with_counts(client: TestClient, world: World) -> None:
    upload(client, world, "staff_a", world.own, text_bytes())

    _, menu = get(client, world, "staff_a", f"/v1/client-files/{world.own}/actions")

    by_action = {item["action"]: item for item in menu["items"]}
    assert by_action["delete"]["allowed"] is True
    assert by_action["delete"]["counts"]["documents_deleted"] == 1
    assert by_action["deactivate"]["counts"]["queued_documents_skipped"] == 1
    assert by_action["detach"]["allowed"] is False
    assert by_action["detach"]["reason"] == "no_client_user"
    assert by_action["detach"]["message"]
    assert by_action["delete"]["for_practice"]


def test_documents_are_listed_a_page_at_a_time(client: TestClient, world: World) -> None:
    for n in range(5):
        upload(client, world, "staff_a", world.own, text_bytes(str(n)))

    _, first = get(client, world, "staff_a", f"/v1/client-files/{world.own}/documents?limit=2")
    _, last = get(
        client, world, "staff_a", f"/v1/client-files/{world.own}/documents?limit=2&offset=4"
    )

    assert (first["total"], len(first["items"]), len(last["items"])) == (5, 2, 1)
    seen = {item["id"] for item in first["items"]} | {item["id"] for item in last["items"]}
    assert len(seen) == 3


def test_a_job_whose_message_was_lost_is_sent_again_and_runs_once(
    client: TestClient,
    world: World,
    runtime: Runtime,
    dispatcher: FakeDispatcher,
    worker: FakeWorker,
) -> None:
    _, lost = post(client, world, "staff_a", world.shared, "deactivate")
    dispatcher.sent.clear()  # the broker restarted empty
    _, delivered = post(client, world, "staff_a", world.own, "deactivate")
    worker.drain()

    resent = requests.resend_unclaimed(runtime.uow(), stale_after=timedelta(0))
    worker.drain()

    assert resent == 1
    for accepted in (lost, delivered):
        _, job = get(client, world, "staff_a", f"/v1/lifecycle-jobs/{accepted['id']}")
        assert job["status"] == "done"
    assert requests.resend_unclaimed(runtime.uow(), stale_after=timedelta(0)) == 0


def test_a_recent_request_is_left_to_the_broker(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    post(client, world, "staff_a", world.shared, "deactivate")

    assert requests.resend_unclaimed(runtime.uow(), stale_after=timedelta(minutes=5)) == 0


def test_a_job_overtaken_by_a_deletion_is_refused_not_pending_forever(
    client: TestClient,
    world: World,
    runtime: Runtime,
    dispatcher: FakeDispatcher,
    worker: FakeWorker,
) -> None:
    _, deleting = post(client, world, "staff_a", world.own, "delete")
    _, overtaken = post(client, world, "staff_a", world.own, "deactivate")
    # The worker deletes the file first; the deactivate task then finds no file and is
    # rejected without recording a job (what the Celery task does with a NotFound).
    dispatcher.sent[:] = [m for m in dispatcher.sent if m.name.endswith(".delete")]
    worker.drain()

    _, job = get(client, world, "staff_a", f"/v1/lifecycle-jobs/{overtaken['id']}")

    assert (job["status"], job["reason"]) == ("refused", "not_found")
    assert requests.resend_unclaimed(runtime.uow(), stale_after=timedelta(0)) == 0
    _, done = get(client, world, "staff_a", f"/v1/lifecycle-jobs/{deleting['id']}")
    assert done["status"] == "done"


def test_a_document_that_arrived_before_the_deactivation_does_not_read_as_arrived_after(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    _, uploaded = upload(client, world, "staff_a", world.own, text_bytes())
    post(client, world, "staff_a", world.own, "deactivate")
    worker.drain()

    _, document = get(client, world, "staff_a", f"/v1/documents/{uploaded['id']}")

    assert (document["status"], document["reason"]) == ("skipped", "client_file_deactivated")
    assert "when it arrived" not in document["message"]
    assert "deactivated before this document was read" in document["message"]
