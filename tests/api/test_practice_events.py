"""The practice's log of its people: staff added, disabled, enabled, removed, and API
tokens created and revoked, each with who did it; read by the practice's admins only,
never holding a secret, and apart from the client files' lifecycle events."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from tests.api.conftest import World
from tests.api.staffing import People, add_people

LOG = "/v1/practice-events"


@pytest.fixture
def people(runtime: Runtime, world: World) -> People:
    return add_people(runtime, world)


def read_all(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every event, page by page (two at a time, so that paging itself is exercised)."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = params | {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(LOG, params=query, headers=headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def test_staff_and_token_changes_are_logged_with_who_did_them(
    client: TestClient, world: World, people: People
) -> None:
    admin = people.auth("admin_a")
    before = len(read_all(client, admin))

    added = client.post(
        "/v1/staff", json={"name": "Nina New", "email": "nina@alpha.test"}, headers=admin
    ).json()
    nina = added["member"]["id"]
    client.post(f"/v1/staff/{nina}/disable", headers=admin)
    client.post(f"/v1/staff/{nina}/enable", headers=admin)
    issued = client.post("/v1/tokens", json={"name": "ci"}, headers=world.auth("staff_a")).json()
    client.delete(f"/v1/tokens/{issued['id']}", headers=world.auth("staff_a"))
    client.delete(f"/v1/staff/{nina}", headers=admin)

    log = read_all(client, admin)[before:]
    admin_id, staff_id = str(people.admin_a), str(world.users["staff_a"])
    assert [(e["action"], e["actor_id"], e["user_id"]) for e in log] == [
        ("token_created", admin_id, nina),  # the first sign-in token
        ("staff_added", admin_id, nina),
        ("staff_disabled", admin_id, nina),
        ("staff_enabled", admin_id, nina),
        ("token_created", staff_id, staff_id),
        ("token_revoked", staff_id, staff_id),
        ("staff_removed", admin_id, nina),
    ]
    assert log[4]["token_id"] == log[5]["token_id"] == issued["id"]
    assert log[-1]["details"] == {"tokens_revoked": 1}
    # The secrets shown once are nowhere in the log.
    text = client.get(LOG, params={"limit": 500}, headers=admin).text
    assert issued["secret"] not in text
    assert added["first_token"]["secret"] not in text


def test_the_log_is_the_practices_own_and_its_admins_only(
    client: TestClient, world: World, people: People
) -> None:
    client.post("/v1/tokens", json={"name": "ci"}, headers=world.auth("staff_b"))

    ours = read_all(client, people.auth("admin_a"), action="token_created")
    theirs = read_all(client, people.auth("admin_b"), action="token_created")
    member = client.get(LOG, headers=world.auth("staff_a"))
    client_user = client.get(LOG, headers=world.auth("client_1"))

    b_staff = {str(world.users["staff_b"]), str(people.admin_b)}
    assert ours
    assert not {e["user_id"] for e in ours} & b_staff
    assert str(world.users["staff_b"]) in {e["user_id"] for e in theirs}
    assert member.status_code == client_user.status_code == 403


def test_the_file_events_readers_do_not_list_practice_events(
    client: TestClient, world: World, people: People
) -> None:
    client.post("/v1/tokens", json={"name": "ci"}, headers=world.auth("staff_a"))

    lifecycle = client.get("/v1/events", params={"limit": 500}, headers=people.auth("admin_a"))

    assert lifecycle.status_code == 200
    assert "token_created" not in {item["action"] for item in lifecycle.json()["items"]}
    assert all(item["client_file_id"] for item in lifecycle.json()["items"])
