"""Staff managed by practice admins, personal tokens (secret shown once, listed without
it, expiring, revocable), and disabled users whose tokens stop at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from app.bootstrap import Runtime, build_runtime
from app.config import Settings
from app.persistence.auth import ApiToken
from app.services import tokens
from app.web import create_app
from tests.api.conftest import World
from tests.api.fakes import FakeDispatcher
from tests.api.staffing import People, add_people


@pytest.fixture
def people(runtime: Runtime, world: World) -> People:
    return add_people(runtime, world)


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_new_token_is_shown_once_and_listed_without_its_secret(
    client: TestClient, world: World
) -> None:
    created = client.post("/v1/tokens", json={"name": "laptop"}, headers=world.auth("client_1"))
    assert created.status_code == 201
    secret = created.json()["secret"]

    listed = client.get("/v1/tokens", headers=world.auth("client_1"))

    assert client.get("/v1/client-files", headers=_bearer(secret)).status_code == 200
    assert secret not in listed.text
    mine = next(item for item in listed.json()["items"] if item["name"] == "laptop")
    assert set(mine) == {"id", "name", "prefix", "created_at", "expires_at", "last_used_at"}
    assert secret.startswith(mine["prefix"])
    assert mine["prefix"] != secret


def test_a_token_without_an_expiry_gets_the_default_one(client: TestClient, world: World) -> None:
    created = client.post("/v1/tokens", json={"name": "ci"}, headers=world.auth("staff_a"))

    expires = datetime.fromisoformat(created.json()["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)


@pytest.mark.parametrize("days", [-1, 400])
def test_an_expiry_in_the_past_or_too_far_is_refused(
    client: TestClient, world: World, days: int
) -> None:
    at = (datetime.now(UTC) + timedelta(days=days)).isoformat()

    response = client.post(
        "/v1/tokens", json={"name": "x", "expires_at": at}, headers=world.auth("staff_a")
    )

    assert response.status_code == 422


def test_a_token_stops_working_when_it_expires(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    now = datetime.now(UTC)
    valid = tokens.issue(
        runtime.uow(), world.users["staff_a"], "valid", expires_at=now + timedelta(minutes=5)
    )
    expired = tokens.issue(
        runtime.uow(), world.users["staff_a"], "expired", expires_at=now - timedelta(seconds=1)
    )

    assert client.get("/v1/client-files", headers=_bearer(valid.secret)).status_code == 200
    assert client.get("/v1/client-files", headers=_bearer(expired.secret)).status_code == 401


def test_a_user_revokes_their_own_token_and_no_one_elses(client: TestClient, world: World) -> None:
    created = client.post("/v1/tokens", json={"name": "old"}, headers=world.auth("staff_a"))
    token_id, secret = created.json()["id"], created.json()["secret"]

    by_other = client.delete(f"/v1/tokens/{token_id}", headers=world.auth("staff_b"))
    by_owner = client.delete(f"/v1/tokens/{token_id}", headers=world.auth("staff_a"))

    assert by_other.status_code == 404
    assert by_owner.status_code == 204
    assert client.get("/v1/client-files", headers=_bearer(secret)).status_code == 401
    listed = client.get("/v1/tokens", headers=world.auth("staff_a")).json()["items"]
    assert token_id not in {item["id"] for item in listed}


def test_the_last_use_is_written_once_per_minute_not_per_request(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    writes: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            writes.append(statement)

    event.listen(runtime.db, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert client.get("/v1/client-files", headers=world.auth("client_1")).status_code == 200
    finally:
        event.remove(runtime.db, "before_cursor_execute", count)

    assert len(writes) == 1
    listed = client.get("/v1/tokens", headers=world.auth("client_1")).json()["items"]
    assert listed[0]["last_used_at"] is not None


@pytest.fixture
def second_process(settings: Settings) -> Iterator[TestClient]:
    """Another web process on the same database: nothing shared but the database."""
    runtime = build_runtime(settings, FakeDispatcher())
    with TestClient(create_app(runtime, broker_check=lambda: None)) as other:
        yield other
    runtime.close()


def test_a_disabled_members_tokens_stop_at_once_in_every_process(
    client: TestClient, second_process: TestClient, world: World, people: People
) -> None:
    assert second_process.get("/v1/client-files", headers=world.auth("staff_a")).status_code == 200

    disabled = client.post(
        f"/v1/staff/{world.users['staff_a']}/disable", headers=people.auth("admin_a")
    )

    assert disabled.status_code == 200
    assert disabled.json()["disabled_at"] is not None
    for web in (client, second_process):
        assert web.get("/v1/client-files", headers=world.auth("staff_a")).status_code == 401
    enabled = client.post(
        f"/v1/staff/{world.users['staff_a']}/enable", headers=people.auth("admin_a")
    )
    assert enabled.status_code == 200
    assert second_process.get("/v1/client-files", headers=world.auth("staff_a")).status_code == 200


def test_an_admin_adds_a_member_who_signs_in_with_the_first_token(
    client: TestClient, world: World, people: People
) -> None:
    added = client.post(
        "/v1/staff",
        json={"name": "Nina New", "email": "nina@alpha.test"},
        headers=people.auth("admin_a"),
    )
    assert added.status_code == 201
    first = added.json()["first_token"]

    files = client.get("/v1/client-files", headers=_bearer(first["secret"]))

    assert {item["id"] for item in files.json()["items"]} == {str(world.shared), str(world.own)}
    assert first["expires_at"] is not None
    listed = client.get("/v1/staff", headers=world.auth("staff_a")).json()["items"]
    assert "nina@alpha.test" in {item["email"] for item in listed}


@pytest.mark.parametrize("flag", ["yes", "true", 1, "on"])
def test_is_admin_takes_true_or_false_only(
    client: TestClient, world: World, people: People, flag: object
) -> None:
    """A word or a number for a flag that grants rights is refused, nobody added: "yes"
    must not make an administrator by a lenient reading."""
    refused = client.post(
        "/v1/staff",
        json={"name": "Nina New", "email": "nina@alpha.test", "is_admin": flag},
        headers=people.auth("admin_a"),
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["where"].endswith("is_admin")
    listed = client.get("/v1/staff", headers=world.auth("staff_a")).json()["items"]
    assert "nina@alpha.test" not in {item["email"] for item in listed}


def test_adding_a_taken_address_says_nothing_about_its_owner(
    client: TestClient, world: World, people: People
) -> None:
    taken = client.post(
        "/v1/staff",
        json={"name": "Bob", "email": "bob@beta.test"},
        headers=people.auth("admin_a"),
    )

    assert taken.status_code == 422
    assert str(world.users["staff_b"]) not in taken.text
    assert "beta" not in taken.json()["error"]["message"].lower()


def test_a_removed_member_leaves_the_practice_and_every_token_is_revoked(
    client: TestClient, world: World, people: People
) -> None:
    removed = client.delete(f"/v1/staff/{world.users['staff_a']}", headers=people.auth("admin_a"))

    assert removed.status_code == 200
    assert client.get("/v1/client-files", headers=world.auth("staff_a")).status_code == 401
    listed = client.get("/v1/staff", headers=people.auth("admin_a")).json()["items"]
    assert str(world.users["staff_a"]) not in {item["id"] for item in listed}
    again = client.post(
        f"/v1/staff/{world.users['staff_a']}/enable", headers=people.auth("admin_a")
    )
    assert again.status_code == 404


def test_an_admin_cannot_remove_themselves_and_a_member_cannot_manage_staff(
    client: TestClient, world: World, people: People
) -> None:
    itself = client.delete(f"/v1/staff/{people.admin_a}", headers=people.auth("admin_a"))
    member = client.post(f"/v1/staff/{people.disabled_a}/enable", headers=world.auth("staff_a"))

    assert itself.status_code == 403
    assert itself.json()["error"]["reason"] == "not_yourself"
    assert member.status_code == 403
    assert member.json()["error"]["reason"] == "practice_admin_only"


def test_tokens_rows_keep_no_secret(client: TestClient, world: World, runtime: Runtime) -> None:
    secret = client.post("/v1/tokens", json={"name": "n"}, headers=world.auth("staff_a")).json()[
        "secret"
    ]

    with runtime.uow() as uow:
        kept = uow.session.execute(select(ApiToken.token_hash, ApiToken.prefix, ApiToken.name))
        values = {value for row in kept for value in row}

    assert secret not in values


def test_a_staff_token_is_checked_in_one_query(world: World, runtime: Runtime) -> None:
    tokens.actor_for(runtime.uow(), world.tokens["staff_a"])  # writes the first use
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(runtime.db, "before_cursor_execute", count)
    try:
        actor = tokens.actor_for(runtime.uow(), world.tokens["staff_a"])
    finally:
        event.remove(runtime.db, "before_cursor_execute", count)

    assert actor is not None
    assert actor.user_id == world.users["staff_a"]
    assert len(statements) == 1, statements
