"""Idempotency keys on the people, consent and export requests: sent again with its key,
a request gets its first answer (status and body) and has no second effect, even where
the request itself, sent again without a key, would now be refused; the same key with
another request is a 422."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.bootstrap import Runtime
from app.persistence.consent import AttachRequestRow
from app.persistence.exports import ExportBundle
from tests.api.conftest import EMAILS, World, ask_over_api
from tests.api.fakes import FakeDispatcher, FakeWorker
from tests.api.staffing import People, add_people
from tests.support.consent import mails_to

REPLAYED = "Idempotent-Replayed"


def twice(
    client: TestClient, method: str, path: str, headers: dict[str, str], body: Any = None
) -> tuple[Response, Response]:
    """The request, and the same request sent again with the same key."""
    keyed = headers | {"Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = client.request(method, path, json=body, headers=keyed)
    again = client.request(method, path, json=body, headers=keyed)
    return first, again


def assert_replayed(first: Response, again: Response, status: int) -> None:
    assert first.status_code == status, first.text
    assert REPLAYED not in first.headers
    assert (again.status_code, again.text) == (first.status_code, first.text)
    assert again.headers[REPLAYED] == "true"


def rows(runtime: Runtime, model: type[Any]) -> int:
    with runtime.uow() as uow:
        return len(uow.session.query(model).all())


def detached(client: TestClient, world: World, worker: FakeWorker) -> None:
    """`shared` (client user c1) leaves practice A."""
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()


def test_an_export_sent_again_is_one_export_built_once(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    path = f"/v1/client-files/{world.own}/exports"

    first, again = twice(client, "POST", path, world.auth("staff_a"))

    assert_replayed(first, again, 202)
    assert rows(runtime, ExportBundle) == 1
    assert dispatcher.names().count("dossier.lifecycle.export") == 1


def test_an_export_key_used_on_another_file_is_422(client: TestClient, world: World) -> None:
    headers = world.auth("staff_a") | {"Idempotency-Key": "export-1"}
    client.post(f"/v1/client-files/{world.own}/exports", headers=headers)

    other = client.post(f"/v1/client-files/{world.shared}/exports", headers=headers)

    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")


def test_an_invitation_sent_again_is_one_invitation_and_one_mail(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    path = f"/v1/client-files/{world.own}/invitations"
    body = {"email": "new@florist.test", "name": "Flo"}

    first, again = twice(client, "POST", path, world.auth("staff_a"), body)

    assert_replayed(first, again, 201)
    assert len(mails_to(runtime.uow(), "new@florist.test")) == 1
    listed = client.get(path, headers=world.auth("staff_a")).json()["items"]
    assert [(item["id"], item["status"]) for item in listed] == [(first.json()["id"], "pending")]


def test_an_invitation_key_with_another_address_is_422_and_invites_nobody(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    path = f"/v1/client-files/{world.own}/invitations"
    headers = world.auth("staff_a") | {"Idempotency-Key": "invite-1"}
    client.post(path, json={"email": "one@florist.test"}, headers=headers)

    other = client.post(path, json={"email": "two@florist.test"}, headers=headers)

    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert mails_to(runtime.uow(), "two@florist.test") == []


def test_a_revoke_sent_again_gets_its_answer_not_a_refusal(
    client: TestClient, world: World
) -> None:
    invited = client.post(
        f"/v1/client-files/{world.own}/invitations",
        json={"email": "new@florist.test"},
        headers=world.auth("staff_a"),
    ).json()
    path = f"/v1/invitations/{invited['id']}/revoke"

    first, again = twice(client, "POST", path, world.auth("staff_a"))
    unkeyed = client.post(path, headers=world.auth("staff_a"))

    assert_replayed(first, again, 200)
    assert first.json()["status"] == "revoked"
    assert (unkeyed.status_code, unkeyed.json()["error"]["reason"]) == (
        409,
        "invitation_not_pending",
    )


def test_a_client_user_removed_again_gets_the_first_answer(
    client: TestClient, world: World
) -> None:
    path = f"/v1/client-files/{world.shared}/users/{world.users['client_1']}"

    first, again = twice(client, "DELETE", path, world.auth("staff_a"))
    unkeyed = client.delete(path, headers=world.auth("staff_a"))

    assert_replayed(first, again, 200)
    assert first.json()["counts"] == {"client_users_removed": 1}
    assert unkeyed.status_code == 404


def test_an_attach_request_sent_again_is_one_request_and_one_mail(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    detached(client, world, worker)
    path = f"/v1/client-files/{world.shared}/attach"

    first, again = twice(
        client, "POST", path, world.auth("client_1"), {"practice_email": EMAILS["staff_b"]}
    )

    assert_replayed(first, again, 202)
    assert rows(runtime, AttachRequestRow) == 1
    asked = [m for m in mails_to(runtime.uow(), EMAILS["staff_b"]) if m.kind == "request_attach"]
    assert len(asked) == 1


@pytest.mark.parametrize(("answer", "status"), [("accept", "accepted"), ("decline", "declined")])
def test_an_answer_to_a_request_sent_again_gets_the_first_answer(
    client: TestClient, world: World, worker: FakeWorker, answer: str, status: str
) -> None:
    detached(client, world, worker)
    asked = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_b"]).json()
    path = f"/v1/attach-requests/{asked['id']}/{answer}"

    first, again = twice(client, "POST", path, world.auth("staff_b"))
    unkeyed = client.post(path, headers=world.auth("staff_b"))

    assert_replayed(first, again, 200)
    assert first.json()["status"] == status
    assert (unkeyed.status_code, unkeyed.json()["error"]["reason"]) == (409, "request_not_pending")


def test_a_staff_removal_and_a_token_revoke_sent_again_get_their_first_answers(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    people: People = add_people(runtime, world)
    removal = f"/v1/staff/{world.users['staff_a']}"
    issued = client.post("/v1/tokens", json={"name": "ci"}, headers=people.auth("admin_a")).json()
    revoke = f"/v1/tokens/{issued['id']}"

    removed, removed_again = twice(client, "DELETE", removal, people.auth("admin_a"))
    revoked, revoked_again = twice(client, "DELETE", revoke, people.auth("admin_a"))

    assert_replayed(removed, removed_again, 200)
    assert_replayed(revoked, revoked_again, 204)
    assert client.delete(removal, headers=people.auth("admin_a")).status_code == 404
    assert client.delete(revoke, headers=people.auth("admin_a")).status_code == 404


def test_a_hold_placed_and_released_again_is_one_event_each(
    client: TestClient, world: World
) -> None:
    path = f"/v1/client-files/{world.own}/retention-hold"
    body = {"reason": "tax audit 2027", "until": "2099-01-01T00:00:00Z"}

    placed, placed_again = twice(client, "PUT", path, world.auth("staff_a"), body)
    released, released_again = twice(client, "DELETE", path, world.auth("staff_a"))

    assert_replayed(placed, placed_again, 200)
    assert_replayed(released, released_again, 200)
    events = client.get(
        f"/v1/client-files/{world.own}/events", headers=world.auth("staff_a")
    ).json()["items"]
    actions = [event["action"] for event in events]
    assert actions.count("retention_hold") == actions.count("retention_hold_released") == 1


def test_a_schedule_cancelled_again_gets_the_first_answer(client: TestClient, world: World) -> None:
    path = f"/v1/client-files/{world.own}/schedules"
    body = {"action": "deactivate", "run_at": "2099-01-01T00:00:00Z"}
    scheduled = client.post(path, json=body, headers=world.auth("staff_a")).json()

    first, again = twice(client, "DELETE", f"{path}/{scheduled['id']}", world.auth("staff_a"))

    assert_replayed(first, again, 200)
    assert first.json()["status"] == "cancelled"
