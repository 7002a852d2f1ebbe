"""Scheduled actions over HTTP: who may schedule, list and cancel, and what they see."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.services import due_actions
from tests.api.conftest import World, attach_over_api
from tests.api.fakes import FakeWorker

SOON = datetime.now(UTC) + timedelta(days=30)


def schedule(
    client: TestClient, world: World, who: str, file_id: uuid.UUID, **body: Any
) -> tuple[int, dict[str, Any]]:
    body = {"action": "deactivate", "run_at": SOON.isoformat(), **body}
    response = client.post(
        f"/v1/client-files/{file_id}/schedules", json=body, headers=world.auth(who)
    )
    return response.status_code, response.json()


def listed(client: TestClient, world: World, who: str, file_id: uuid.UUID) -> Any:
    response = client.get(f"/v1/client-files/{file_id}/schedules", headers=world.auth(who))
    return response.status_code, response.json()


def cancel(
    client: TestClient, world: World, who: str, file_id: uuid.UUID, schedule_id: str
) -> tuple[int, dict[str, Any]]:
    response = client.delete(
        f"/v1/client-files/{file_id}/schedules/{schedule_id}", headers=world.auth(who)
    )
    return response.status_code, response.json()


def test_staff_schedule_list_and_cancel(client: TestClient, world: World) -> None:
    status, created = schedule(client, world, "staff_a", world.shared, action="detach")

    assert status == 201
    assert (created["action"], created["status"], created["attempts"]) == ("detach", "scheduled", 0)
    assert datetime.fromisoformat(created["run_at"]) == SOON
    status, page = listed(client, world, "staff_a", world.shared)
    assert status == 200
    assert [item["id"] for item in page["items"]] == [created["id"]]

    status, cancelled = cancel(client, world, "staff_a", world.shared, created["id"])

    assert (status, cancelled["status"]) == (200, "cancelled")
    assert listed(client, world, "staff_a", world.shared)[1]["items"][0]["status"] == "cancelled"


def test_a_due_schedule_shows_its_outcome_and_can_no_longer_be_cancelled(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    _, created = schedule(
        client, world, "staff_a", world.own, action="reactivate", reprocess_skipped=True
    )

    due_actions.run_due(
        runtime.uow(),
        runtime.blobs,
        stale_after=timedelta(hours=1),
        delete_batch_size=10,
        now=SOON + timedelta(minutes=1),
    )
    _, page = listed(client, world, "staff_a", world.own)
    status, refused = cancel(client, world, "staff_a", world.own, created["id"])

    [item] = page["items"]
    assert (item["status"], item["reason"]) == ("refused", "not_deactivated")
    assert item["params"] == {"reprocess_skipped": True}
    assert (status, refused["error"]["reason"]) == (409, "schedule_not_pending")


def test_client_users_see_schedules_but_may_not_make_or_cancel_them(
    client: TestClient, world: World
) -> None:
    _, created = schedule(client, world, "staff_a", world.shared)

    status, refused = schedule(client, world, "client_1", world.shared)
    list_status, page = listed(client, world, "client_1", world.shared)
    cancel_status, not_cancelled = cancel(client, world, "client_1", world.shared, created["id"])

    assert (status, refused["error"]["reason"]) == (409, "practice_staff_only")
    assert list_status == 200
    assert len(page["items"]) == 1
    assert (cancel_status, not_cancelled["error"]["reason"]) == (409, "practice_staff_only")


@pytest.mark.parametrize("who", ["staff_b", "client_2"])
def test_a_file_you_cannot_see_answers_like_one_that_does_not_exist(
    client: TestClient, world: World, who: str
) -> None:
    _, created = schedule(client, world, "staff_a", world.shared)
    unknown = uuid.uuid4()

    answers = [
        schedule(client, world, who, world.shared),
        listed(client, world, who, world.shared),
        cancel(client, world, who, world.shared, created["id"]),
    ]
    nowhere = [
        schedule(client, world, who, unknown),
        listed(client, world, who, unknown),
        cancel(client, world, who, unknown, created["id"]),
    ]

    assert [status for status, _ in answers] == [404, 404, 404]
    assert [body["error"]["message"] for _, body in answers] == [
        body["error"]["message"] for _, body in nowhere
    ]
    assert listed(client, world, "staff_a", world.shared)[1]["items"][0]["status"] == "scheduled"


def test_an_unknown_schedule_is_not_found(client: TestClient, world: World) -> None:
    status, body = cancel(client, world, "staff_a", world.shared, str(uuid.uuid4()))
    assert (status, body["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"run_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        {"run_at": "2030-01-01T08:00:00"},  # no time zone
        {"run_at": "next tuesday"},
        {"action": "subscribe"},
        {"action": "deactivate", "reprocess_skipped": True},
        {"unexpected": 1},
    ],
)
def test_bad_schedules_are_422_and_record_nothing(
    client: TestClient, world: World, body: dict[str, Any]
) -> None:
    status, refused = schedule(client, world, "staff_a", world.own, **body)

    assert status == 422
    assert refused["error"]["code"] == "invalid_input"
    assert listed(client, world, "staff_a", world.own)[1]["items"] == []


def test_anonymous_callers_are_401(client: TestClient, world: World) -> None:
    assert schedule(client, world, "anonymous", world.own)[0] == 401
    assert listed(client, world, "anonymous", world.own)[0] == 401


def test_the_next_practice_never_sees_nor_cancels_a_former_practices_schedules(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    _, former = schedule(client, world, "staff_a", world.shared)
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    attach_over_api(client, world, "client_1", world.shared, "staff_b")
    _, own = schedule(client, world, "staff_b", world.shared, action="detach")

    status, page = listed(client, world, "staff_b", world.shared)
    cancel_status, refused = cancel(client, world, "staff_b", world.shared, former["id"])

    assert status == 200
    assert [item["id"] for item in page["items"]] == [own["id"]]
    assert (cancel_status, refused["error"]["code"]) == (404, "not_found")
    client_sees = listed(client, world, "client_1", world.shared)[1]["items"]
    assert {item["id"] for item in client_sees} == {former["id"], own["id"]}
    assert {item["status"] for item in client_sees} == {"scheduled"}
