"""The audit API: each party reads the events of its time with the file, filtered and in
stable pages; a deleted file's events stay readable by its practice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.persistence.models import LifecycleEvent
from tests.api.conftest import World
from tests.api.fakes import FakeWorker

# After the world's own events (its invitations), which these tests leave out.
T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
AFTER_T0 = {"since": T0.isoformat()}


def _state(practice: uuid.UUID | None) -> dict[str, Any]:
    return {"practice_id": str(practice) if practice else None}


def _record(
    runtime: Runtime,
    file_id: uuid.UUID,
    action: str,
    before: uuid.UUID | None,
    after: uuid.UUID | None,
    at: datetime,
    actor: uuid.UUID | None = None,
) -> uuid.UUID:
    with runtime.uow() as uow:
        event = uow.lifecycle.add_event(
            LifecycleEvent(
                id=uuid.uuid4(),
                client_file_id=file_id,
                practice_id=before,
                actor_id=actor,
                action=action,
                from_state=_state(before),
                to_state=_state(after),
                created_at=at,
            )
        )
        uow.commit()
        return event.id


@pytest.fixture
def moved(runtime: Runtime, world: World) -> list[uuid.UUID]:
    """`shared`'s story: A deactivates and detaches it, the client subscribes, B takes it
    and deactivates it."""
    a, b, file_id = world.practice_a, world.practice_b, world.shared
    steps = [
        ("deactivate", a, a),
        ("detach", a, None),
        ("subscribe", None, None),
        ("attach", None, b),
        ("deactivate", b, b),
    ]
    return [
        _record(runtime, file_id, action, before, after, T0 + timedelta(hours=n))
        for n, (action, before, after) in enumerate(steps)
    ]


def _ids(response: Any) -> list[uuid.UUID]:
    assert response.status_code == 200, response.json()
    return [uuid.UUID(item["id"]) for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("who", "seen"),
    [("staff_a", [0, 1]), ("staff_b", [3, 4]), ("client_1", [0, 1, 2, 3, 4])],
)
def test_each_party_reads_the_events_of_its_time_with_the_file(
    client: TestClient, world: World, moved: list[uuid.UUID], who: str, seen: list[int]
) -> None:
    url = f"/v1/client-files/{world.shared}/events"
    by_file = client.get(url, params=AFTER_T0, headers=world.auth(who))
    everything = client.get("/v1/events", params=AFTER_T0, headers=world.auth(who))

    assert _ids(by_file) == [moved[n] for n in seen]
    assert _ids(everything) == [moved[n] for n in seen]


def test_a_stranger_is_told_the_file_does_not_exist(
    client: TestClient, world: World, moved: list[uuid.UUID]
) -> None:
    hidden = client.get(f"/v1/client-files/{world.shared}/events", headers=world.auth("client_2"))
    unknown = client.get(f"/v1/client-files/{uuid.uuid4()}/events", headers=world.auth("client_2"))

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == {
        **unknown.json(),
        "error": {**unknown.json()["error"], "client_file_id": str(world.shared)},
    }


def test_a_detached_practice_reads_its_past_but_not_what_followed(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    detach = client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    assert detach.status_code == 202
    worker.drain()

    events = client.get(f"/v1/client-files/{world.shared}/events", headers=world.auth("staff_a"))
    subscribe = client.post(
        f"/v1/client-files/{world.shared}/subscribe", headers=world.auth("client_1")
    )
    assert subscribe.status_code == 202
    worker.drain()
    after = client.get(f"/v1/client-files/{world.shared}/events", headers=world.auth("staff_a"))

    actions = [item["action"] for item in events.json()["items"]]
    assert "detach" in actions
    assert [item["action"] for item in after.json()["items"]] == actions
    assert (
        client.get(f"/v1/client-files/{world.shared}", headers=world.auth("staff_a")).status_code
        == 404
    )
    client_view = client.get(
        f"/v1/client-files/{world.shared}/events", headers=world.auth("client_1")
    )
    assert [item["action"] for item in client_view.json()["items"]][-1] == "subscribe"


def test_a_deleted_files_events_stay_readable_by_its_practice(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    deleted = client.post(f"/v1/client-files/{world.own}/delete", headers=world.auth("staff_a"))
    assert deleted.status_code == 202
    worker.drain()
    assert (
        client.get(f"/v1/client-files/{world.own}", headers=world.auth("staff_a")).status_code
        == 404
    )

    events = client.get(f"/v1/client-files/{world.own}/events", headers=world.auth("staff_a"))
    other = client.get(f"/v1/client-files/{world.own}/events", headers=world.auth("staff_b"))

    assert [item["action"] for item in events.json()["items"]] == ["delete"]
    assert events.json()["items"][0]["from"]["practice_id"] == str(world.practice_a)
    assert other.status_code == 404


def test_filters_by_file_action_actor_and_time(
    client: TestClient, world: World, runtime: Runtime, moved: list[uuid.UUID]
) -> None:
    mine = _record(
        runtime,
        world.own,
        "deactivate",
        world.practice_a,
        world.practice_a,
        T0 + timedelta(minutes=30),
        actor=world.users["staff_a"],
    )
    auth = world.auth("staff_a")

    def seen(**params: str) -> list[uuid.UUID]:
        return _ids(client.get("/v1/events", params={**AFTER_T0, **params}, headers=auth))

    assert seen() == [moved[0], mine, moved[1]]
    assert seen(client_file_id=str(world.own)) == [mine]
    assert seen(action="detach") == [moved[1]]
    assert seen(actor_id=str(world.users["staff_a"])) == [mine]
    window = {
        "since": (T0 + timedelta(minutes=30)).isoformat(),
        "until": (T0 + timedelta(hours=1)).isoformat(),
    }
    assert seen(**window) == [mine]


def test_pages_follow_each_other_without_repeat_or_gap(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    same_time = T0 + timedelta(days=1)
    recorded = [
        _record(runtime, world.own, "retry", world.practice_a, world.practice_a, at)
        for at in [same_time] * 4 + [same_time + timedelta(seconds=n) for n in (1, 2, 3)]
    ]
    expected = sorted(recorded[:4]) + recorded[4:]
    read: list[uuid.UUID] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        response = client.get(
            f"/v1/client-files/{world.own}/events", params=params, headers=world.auth("staff_a")
        )
        read += _ids(response)
        pages += 1
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break

    assert read == expected
    assert pages == 3


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"since": "2026-11-02T00:00:00+00:00", "until": "2026-11-01T00:00:00+00:00"},
        {"since": "2026-11-02T00:00:00"},
        {"action": "DROP TABLE"},
        {"limit": "0"},
    ],
)
def test_bad_queries_are_refused_clearly(
    client: TestClient, world: World, params: dict[str, str]
) -> None:
    response = client.get("/v1/events", params=params, headers=world.auth("staff_a"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
