"""The access matrix of SPEC §5.4, extended to staff, tokens, the audit trail and
practices' webhooks, for every identity: each practice's admin, plain staff, client
users, a disabled user, no token and a bad one. Nobody reads or changes another
practice's people, tokens, events or endpoints, nor learns that they exist."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.bootstrap import Runtime
from app.domain import audit
from app.persistence.webhooks import WebhookDeliveries
from app.services import practice_webhooks, tokens
from tests.api.conftest import World
from tests.api.fakes import FakeWorker
from tests.api.staffing import People, add_people

CALLERS = (
    "admin_a",
    "staff_a",
    "staff_b",
    "admin_b",
    "client_1",
    "client_2",
    "disabled_a",
    "anonymous",
    "bad_token",
)
HOOK = "https://93.184.216.34/hooks"  # a public address: no name to look up


@dataclass(frozen=True)
class Setup:
    people: People
    token_id: uuid.UUID  # one of staff_a's tokens
    endpoint_id: uuid.UUID  # practice A's endpoint
    delivery_id: uuid.UUID  # of A's endpoint


Call = Callable[[TestClient, World, Setup, dict[str, str]], Response]


def _prepare(client: TestClient, runtime: Runtime, world: World, worker: FakeWorker) -> Setup:
    people = add_people(runtime, world)
    with runtime.uow() as uow:
        admin_a = uow.users.actor(people.admin_a)
    assert admin_a is not None
    endpoint = practice_webhooks.register(
        runtime.uow(), admin_a, HOOK, [], allow_private=False
    ).endpoint
    client.post(f"/v1/client-files/{world.shared}/deactivate", headers=world.auth("staff_a"))
    worker.drain()
    with runtime.uow() as uow:
        [delivery] = WebhookDeliveries(uow.session).of_endpoint(endpoint.id, limit=5, offset=0)
        delivery_id = delivery.id
    token = tokens.issue(runtime.uow(), world.users["staff_a"], "spare")
    return Setup(people, token.token_id, endpoint.id, delivery_id)


def _call(method: str, path: str, **kwargs: object) -> Call:
    def call(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
        url = path.format(
            shared=world.shared,
            staff_a=world.users["staff_a"],
            disabled=setup.people.disabled_a,
            token=setup.token_id,
            endpoint=setup.endpoint_id,
            delivery=setup.delivery_id,
        )
        return client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]

    return call


NEW_MEMBER = {"name": "Nina", "email": "nina@new.test"}

# Expected statuses for admin_a, staff_a, staff_b, admin_b, client_1, client_2.
MATRIX: dict[str, tuple[Call, tuple[int, int, int, int, int, int]]] = {
    "list staff": (_call("GET", "/v1/staff"), (200, 200, 200, 200, 403, 403)),
    "add staff": (
        _call("POST", "/v1/staff", json=NEW_MEMBER),
        (201, 403, 403, 201, 403, 403),
    ),
    "remove staff": (
        _call("DELETE", "/v1/staff/{staff_a}"),
        (200, 403, 403, 404, 403, 403),
    ),
    "disable staff": (
        _call("POST", "/v1/staff/{staff_a}/disable"),
        (200, 403, 403, 404, 403, 403),
    ),
    "enable staff": (
        _call("POST", "/v1/staff/{disabled}/enable"),
        (200, 403, 403, 404, 403, 403),
    ),
    "list tokens": (_call("GET", "/v1/tokens"), (200,) * 6),
    "create token": (_call("POST", "/v1/tokens", json={"name": "n"}), (201,) * 6),
    "revoke token": (
        _call("DELETE", "/v1/tokens/{token}"),
        (404, 204, 404, 404, 404, 404),
    ),
    "file events": (
        _call("GET", "/v1/client-files/{shared}/events"),
        (200, 200, 404, 404, 200, 404),
    ),
    "all events": (_call("GET", "/v1/events"), (200,) * 6),
    "register webhook": (
        _call("POST", "/v1/webhooks", json={"url": HOOK}),
        (201, 403, 403, 201, 403, 403),
    ),
    "list webhooks": (_call("GET", "/v1/webhooks"), (200, 200, 200, 200, 403, 403)),
    "remove webhook": (
        _call("DELETE", "/v1/webhooks/{endpoint}"),
        (204, 403, 403, 404, 403, 403),
    ),
    "delivery log": (
        _call("GET", "/v1/webhooks/{endpoint}/deliveries"),
        (200, 200, 404, 404, 403, 403),
    ),
    "redeliver": (
        _call("POST", "/v1/webhooks/{endpoint}/deliveries/{delivery}/redeliver"),
        (202, 202, 404, 404, 403, 403),
    ),
}


# Changes one caller's call would make visible to the next: each caller gets a fresh world.
ONE_WORLD_EACH = {
    "add staff",
    "remove staff",
    "disable staff",
    "enable staff",
    "revoke token",
    "remove webhook",
}
IDENTIFIED = CALLERS[:6]
UNIDENTIFIED = ("anonymous", "bad_token", "disabled_a")


def _check(response: Response, endpoint: str, caller: str) -> None:
    expected = MATRIX[endpoint][1][IDENTIFIED.index(caller)]
    assert response.status_code == expected, (endpoint, caller, response.text)
    if response.status_code == 404:
        # The same answer as for an id that never existed: nothing to tell them apart.
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("endpoint", sorted(set(MATRIX) - ONE_WORLD_EACH))
def test_access_matrix_of_calls_that_leave_others_alone(
    client: TestClient, runtime: Runtime, world: World, worker: FakeWorker, endpoint: str
) -> None:
    setup = _prepare(client, runtime, world, worker)
    call = MATRIX[endpoint][0]

    for caller in IDENTIFIED:
        _check(call(client, world, setup, setup.people.auth(caller)), endpoint, caller)


@pytest.mark.parametrize("caller", IDENTIFIED)
@pytest.mark.parametrize("endpoint", sorted(ONE_WORLD_EACH))
def test_access_matrix_of_changes(
    client: TestClient,
    runtime: Runtime,
    world: World,
    worker: FakeWorker,
    endpoint: str,
    caller: str,
) -> None:
    setup = _prepare(client, runtime, world, worker)

    response = MATRIX[endpoint][0](client, world, setup, setup.people.auth(caller))

    _check(response, endpoint, caller)


def test_no_token_a_bad_token_and_a_disabled_users_token_open_nothing(
    client: TestClient, runtime: Runtime, world: World, worker: FakeWorker
) -> None:
    setup = _prepare(client, runtime, world, worker)

    for endpoint, (call, _) in MATRIX.items():
        for caller in UNIDENTIFIED:
            response = call(client, world, setup, setup.people.auth(caller))
            assert response.status_code == 401, (endpoint, caller)
            assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("caller", IDENTIFIED)
def test_lists_hold_only_the_callers_own(
    client: TestClient, runtime: Runtime, world: World, worker: FakeWorker, caller: str
) -> None:
    setup = _prepare(client, runtime, world, worker)
    headers = setup.people.auth(caller)
    user_id = {"admin_a": setup.people.admin_a, "admin_b": setup.people.admin_b}.get(
        caller, world.users.get(caller)
    )
    with runtime.uow() as uow:
        actor = uow.users.actor(user_id) if user_id else None
    assert actor is not None

    events = client.get("/v1/events", headers=headers).json()["items"]
    token_rows = client.get("/v1/tokens", headers=headers).json()["items"]

    assert events
    for item in events:
        before, after = item["practice_id"], item["to_practice_id"]
        assert audit.can_read(
            actor,
            uuid.UUID(item["client_file_id"]),
            uuid.UUID(before) if before else None,
            uuid.UUID(after) if after else None,
        )
    own = {t.id for t in tokens.list_own(runtime.uow(), actor)}
    assert {uuid.UUID(t["id"]) for t in token_rows} == own
    if actor.is_staff:
        staff = client.get("/v1/staff", headers=headers).json()["items"]
        hooks = client.get("/v1/webhooks", headers=headers).json()["items"]
        practice_of_a = actor.practice_id == world.practice_a
        assert (str(world.users["staff_a"]) in {s["id"] for s in staff}) is practice_of_a
        assert (str(setup.endpoint_id) in {h["id"] for h in hooks}) is practice_of_a
