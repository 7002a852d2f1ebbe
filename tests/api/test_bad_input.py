"""Bad input at the edge: each answer is a clear 4xx in the JSON error shape, and nothing
changes. The table in docs/api.md ("Bad input") lists these cases."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from tests.api.conftest import World

LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()
POISON = "9999-12-31T23:59:59-12:00"


def hold(file_id: uuid.UUID) -> str:
    return f"/v1/client-files/{file_id}/retention-hold"


def schedules(file_id: uuid.UUID) -> str:
    return f"/v1/client-files/{file_id}/schedules"


def invite(file_id: uuid.UUID) -> str:
    return f"/v1/client-files/{file_id}/invitations"


# (what, method, path maker, JSON body, status, error code)
CASES: list[tuple[str, str, Any, dict[str, Any], int, str]] = [
    ("hold until past 9999 in UTC", "PUT", hold, {"reason": "x", "until": POISON}, 422, ""),
    (
        "hold until the year 3000",
        "PUT",
        hold,
        {"reason": "x", "until": "3000-01-01T00:00Z"},
        422,
        "",
    ),
    (
        "hold until without time zone",
        "PUT",
        hold,
        {"reason": "x", "until": "2030-01-01T00:00"},
        422,
        "",
    ),
    ("hold reason with NUL", "PUT", hold, {"reason": "tax\x00audit", "until": LATER}, 422, ""),
    ("hold reason of spaces", "PUT", hold, {"reason": "   ", "until": LATER}, 422, ""),
    ("hold reason of 501 characters", "PUT", hold, {"reason": "r" * 501, "until": LATER}, 422, ""),
    (
        "schedule run_at past 9999 in UTC",
        "POST",
        schedules,
        {"action": "delete", "run_at": POISON},
        422,
        "",
    ),
    (
        "schedule run_at in the past",
        "POST",
        schedules,
        {"action": "delete", "run_at": "2001-01-01T00:00Z"},
        422,
        "",
    ),
    (
        "schedule reprocess_skipped with delete",
        "POST",
        schedules,
        {"action": "delete", "run_at": LATER, "reprocess_skipped": True},
        422,
        "",
    ),
    ("invite e-mail with NUL", "POST", invite, {"email": "a\x00@b.test"}, 422, ""),
    ("invite name with NUL", "POST", invite, {"email": "a@b.test", "name": "A\x00"}, 422, ""),
    ("invite e-mail with a newline", "POST", invite, {"email": "a@b.test\nBcc: x@y"}, 422, ""),
    (
        "invite name of 201 characters",
        "POST",
        invite,
        {"email": "a@b.test", "name": "n" * 201},
        422,
        "",
    ),
    (
        "invite e-mail of 321 characters",
        "POST",
        invite,
        {"email": "e" * 312 + "@b.test00"},
        422,
        "",
    ),
]


@pytest.mark.parametrize(
    ("what", "method", "path", "body", "status", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_a_clear_422_and_changes_nothing(
    client: TestClient,
    world: World,
    what: str,
    method: str,
    path: Any,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    before = client.get(hold(world.own), headers=world.auth("staff_a")).json()
    listed = client.get(schedules(world.own), headers=world.auth("staff_a")).json()

    response = client.request(method, path(world.own), json=body, headers=world.auth("staff_a"))

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == (code or "invalid_input")
    assert client.get(hold(world.own), headers=world.auth("staff_a")).json() == before
    assert client.get(schedules(world.own), headers=world.auth("staff_a")).json() == listed
    assert client.get(f"/v1/client-files/{world.own}", headers=world.auth("staff_a")).is_success


def test_a_long_e_mail_without_a_name_is_invited(client: TestClient, world: World) -> None:
    # 201-320 characters: the name column holds 200; the name is then the address, cut.
    email = "e" * 250 + "@long.test"
    response = client.post(invite(world.own), json={"email": email}, headers=world.auth("staff_a"))

    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"


def test_json_that_is_not_utf8_is_a_422_in_the_error_shape(
    client: TestClient, world: World
) -> None:
    response = client.put(
        hold(world.own),
        content='{"reason": "caf\xe9", "until": "2030-01-01T00:00Z"}'.encode("latin-1"),
        headers={**world.auth("staff_a"), "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_a_time_with_an_offset_is_answered_and_kept_in_utc(
    client: TestClient, world: World
) -> None:
    response = client.post(
        schedules(world.own),
        json={"action": "deactivate", "run_at": "2030-03-01T18:00:00+01:00"},
        headers=world.auth("staff_a"),
    )
    [listed] = client.get(schedules(world.own), headers=world.auth("staff_a")).json()["items"]

    assert response.status_code == 201, response.text
    assert datetime.fromisoformat(response.json()["run_at"]) == datetime(2030, 3, 1, 17, tzinfo=UTC)
    assert datetime.fromisoformat(listed["run_at"]) == datetime(2030, 3, 1, 17, tzinfo=UTC)


def test_options_answers_with_every_allowed_method(client: TestClient, world: World) -> None:
    response = client.options(hold(world.own))
    not_allowed = client.patch(hold(world.own), headers=world.auth("staff_a"))

    assert response.status_code == 204
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
    assert not_allowed.status_code == 405
    assert set(not_allowed.headers["allow"].split(", ")) >= {"GET", "PUT", "DELETE"}
    assert not_allowed.json()["error"] == {
        "code": "method_not_allowed",
        "message": f"{hold(world.own)} does not take PATCH; "
        "the answer's Allow header lists the methods it takes.",
    }


def test_an_unknown_path_is_named_in_its_404(client: TestClient, world: World) -> None:
    response = client.get("/v1/client-file", headers=world.auth("staff_a"))

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "No such endpoint: GET /v1/client-file. The API's routes are listed at /docs.",
    }


def test_refusals_of_schema_valid_bodies_are_in_the_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/v1/client-files/{client_file_id}/schedules"]["post"]

    assert "422" in operation["responses"]
    assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


def test_a_poisoned_row_no_longer_exists_after_repair(runtime: Runtime) -> None:
    # The repair itself is tested on both databases in tests/services/test_time_zones.py.
    from app.persistence.repair import repair_instants

    assert repair_instants(runtime.db) == []


@pytest.mark.parametrize(
    ("body", "where", "said"),
    [
        ({"email": "not-an-email"}, "body.email", "Give a valid e-mail address"),
        ({"email": "paul@dupont.test", "name": "Paul\nDupont"}, "body.name", "control character"),
        ({"email": "paul@dupont.test", "name": "   "}, "body.name", "only spaces"),
    ],
)
def test_a_refused_pattern_is_said_in_words_not_as_a_regular_expression(
    client: TestClient, world: World, body: dict[str, str], where: str, said: str
) -> None:
    response = client.post(invite(world.own), json=body, headers=world.auth("staff_a"))

    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert [problem["where"] for problem in problems] == [where]
    assert said in problems[0]["problem"]
    assert "pattern" not in problems[0]["problem"]
