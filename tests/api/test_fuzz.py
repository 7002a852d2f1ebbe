"""Random requests against every operation in the OpenAPI schema: any answer but a
server error. Ids are drawn from real, unknown and malformed ones; bodies from any JSON."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import World

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "reprocess_skipped": st.booleans() | JSON,
        "practice_id": st.uuids().map(str) | JSON,
        "email": st.emails() | st.text(max_size=30),
        "name": st.text(max_size=30) | st.none(),
    },
)
QUERY = st.dictionaries(
    st.sampled_from(["status", "limit", "offset", "x"]),
    st.integers(-5, 10**12).map(str) | st.sampled_from(["active", "deactivated", "deleting"]),
    max_size=3,
)


def _operations(client: TestClient) -> list[tuple[str, str]]:
    schema = client.get("/openapi.json").json()
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


@pytest.fixture
def operations(client: TestClient) -> list[tuple[str, str]]:
    found = _operations(client)
    assert len(found) >= 14  # the fuzzer covers the whole API, not a part it happens to see
    return found


def _ids(world: World) -> st.SearchStrategy[str]:
    real = [world.shared, world.own, world.other]
    return (
        st.sampled_from([str(i) for i in real])
        | st.uuids().map(str)
        | st.text(
            alphabet=st.characters(blacklist_categories=("Cs",)),
            min_size=1,
            max_size=40,
        )
    )


@settings(
    max_examples=300,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_request_makes_the_server_fail(
    client: TestClient, world: World, operations: list[tuple[str, str]], data: st.DataObject
) -> None:
    method, template = data.draw(st.sampled_from(operations))
    path = re.sub(r"\{[^}]+\}", lambda _: quote(data.draw(_ids(world)), safe=""), template)
    caller = data.draw(st.sampled_from([*world.tokens, "anonymous", "bad_token"]))
    request: dict[str, Any] = {"headers": world.auth(caller), "params": data.draw(QUERY)}
    if method == "POST":
        shape = data.draw(st.sampled_from(["fields", "json", "file", "none"]))
        if shape == "fields":
            request["json"] = data.draw(FIELDS)
        elif shape == "json":
            request["json"] = data.draw(JSON)
        elif shape == "file":
            content = data.draw(st.binary(max_size=300))
            request["files"] = {"file": (data.draw(st.text(max_size=20)), content, "text/plain")}

    response = client.request(method, path, **request)

    assert response.status_code < 500, (method, path, response.text)
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}


def test_a_token_for_a_user_of_no_file_sees_nothing(client: TestClient, world: World) -> None:
    response = client.get(f"/v1/client-files/{uuid.uuid4()}", headers=world.auth("client_2"))
    assert response.status_code == 404
