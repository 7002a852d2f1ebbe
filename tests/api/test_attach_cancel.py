"""A client user takes back their own pending request to attach their file: the practice
asked no longer sees it and can no longer accept it; the audit says who cancelled."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.services import tokens
from tests.api.conftest import EMAILS, World, ask_over_api, invite
from tests.api.fakes import FakeWorker


def _asked(client: TestClient, world: World, worker: FakeWorker) -> str:
    """`shared` detached from A, and c1's pending request to B: its id."""
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    asked = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_b"])
    assert asked.status_code == 202, asked.text
    request_id: str = asked.json()["id"]
    return request_id


def test_the_asker_cancels_and_the_practice_no_longer_sees_or_accepts_it(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    request_id = _asked(client, world, worker)
    assert len(client.get("/v1/attach-requests", headers=world.auth("staff_b")).json()["items"])

    cancelled = client.post(
        f"/v1/attach-requests/{request_id}/cancel", headers=world.auth("client_1")
    )

    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "withdrawn")
    incoming = client.get("/v1/attach-requests", headers=world.auth("staff_b")).json()["items"]
    assert incoming == []
    late = client.post(f"/v1/attach-requests/{request_id}/accept", headers=world.auth("staff_b"))
    assert (late.status_code, late.json()["error"]["reason"]) == (409, "request_not_pending")
    file_seen = client.get(f"/v1/client-files/{world.shared}", headers=world.auth("staff_b"))
    assert file_seen.status_code == 404
    events = client.get(
        f"/v1/client-files/{world.shared}/events",
        params={"action": "cancel_attach"},
        headers=world.auth("client_1"),
    ).json()["items"]
    assert [(e["actor_id"], e["to"]["status"]) for e in events] == [
        (str(world.users["client_1"]), "active")
    ]


def test_only_the_asker_cancels_and_only_while_pending(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    partner = invite(runtime, world.shared, world.users["staff_a"], "partner@bakery.test")
    partner_auth = {"Authorization": f"Bearer {tokens.issue(runtime.uow(), partner).secret}"}
    request_id = _asked(client, world, worker)
    path = f"/v1/attach-requests/{request_id}/cancel"

    by_practice_asked = client.post(path, headers=world.auth("staff_b"))
    by_former_practice = client.post(path, headers=world.auth("staff_a"))
    by_stranger = client.post(path, headers=world.auth("client_2"))
    by_partner = client.post(path, headers=partner_auth)
    client.post(f"/v1/attach-requests/{request_id}/decline", headers=world.auth("staff_b"))
    after_answer = client.post(path, headers=world.auth("client_1"))

    assert by_practice_asked.status_code == 404
    assert by_former_practice.status_code == 404
    assert by_stranger.status_code == 404
    assert (by_partner.status_code, by_partner.json()["error"]["reason"]) == (
        409,
        "not_requester",
    )
    assert (after_answer.status_code, after_answer.json()["error"]["reason"]) == (
        409,
        "request_not_pending",
    )


def test_a_cancel_sent_again_with_its_key_gets_the_first_answer(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    request_id = _asked(client, world, worker)
    headers = world.auth("client_1") | {"Idempotency-Key": "cancel-1"}
    path = f"/v1/attach-requests/{request_id}/cancel"

    first = client.post(path, headers=headers)
    again = client.post(path, headers=headers)

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
