"""Every endpoint by every caller: two practices, two clients, an anonymous caller and a
bad token. Nobody learns that a file they may not see exists."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.bootstrap import Runtime
from app.services import tokens
from tests.api.conftest import EMAILS, World, ask_over_api, text_bytes, upload
from tests.api.fakes import FakeWorker

CALLERS = ("staff_a", "staff_b", "client_1", "client_2", "anonymous", "bad_token")


@dataclass(frozen=True)
class Setup:
    document_id: str
    job_id: str
    invitation_id: str  # pending, to `shared`
    attach_request_id: str  # `other`, detached by practice B, asked to practice A


Call = Callable[[TestClient, World, Setup, dict[str, str]], Response]


def _prepare(client: TestClient, world: World, worker: FakeWorker) -> Setup:
    _, document = upload(client, world, "staff_a", world.shared, text_bytes("existing"))
    response = client.post(
        f"/v1/client-files/{world.shared}/deactivate", headers=world.auth("staff_a")
    )
    invited = client.post(
        f"/v1/client-files/{world.shared}/invitations",
        json={"email": "pending@bakery.test"},
        headers=world.auth("staff_a"),
    )
    client.post(f"/v1/client-files/{world.other}/detach", headers=world.auth("staff_b"))
    worker.drain()
    asked = ask_over_api(client, world, "client_2", world.other, EMAILS["staff_a"])
    assert asked.status_code == 202, asked.text
    return Setup(
        str(document["id"]), response.json()["id"], invited.json()["id"], asked.json()["id"]
    )


def _file(path: str = "", method: str = "GET", **kwargs: object) -> Call:
    def call(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
        url = f"/v1/client-files/{world.shared}{path}"
        return client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]

    return call


def _upload(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
    files = {"file": ("new.txt", text_bytes(), "text/plain")}
    url = f"/v1/client-files/{world.shared}/documents"
    return client.post(url, files=files, headers=headers)


def _document(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
    return client.get(f"/v1/documents/{setup.document_id}", headers=headers)


def _job(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
    return client.get(f"/v1/lifecycle-jobs/{setup.job_id}", headers=headers)


def _list(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
    return client.get("/v1/client-files", headers=headers)


def _attach(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
    body = {"practice_email": EMAILS["staff_b"]}
    return client.post(f"/v1/client-files/{world.shared}/attach", json=body, headers=headers)


def _path(template: str, method: str = "GET") -> Call:
    """A path naming the setup's ids: {file}, {invitation}, {request}, {client_1}."""

    def call(client: TestClient, world: World, setup: Setup, headers: dict[str, str]) -> Response:
        url = template.format(
            file=world.shared,
            invitation=setup.invitation_id,
            request=setup.attach_request_id,
            client_1=world.users["client_1"],
        )
        return client.request(method, url, headers=headers)

    return call


# The file is `shared` (practice A, client_1), deactivated by staff_a; expected statuses
# for staff_a, staff_b, client_1, client_2. 409 means "you may see it, but not do this".
MATRIX: dict[str, tuple[Call, tuple[int, int, int, int]]] = {
    "list files": (_list, (200, 200, 200, 200)),
    "get file": (_file(), (200, 404, 200, 404)),
    "list documents": (_file("/documents"), (200, 404, 200, 404)),
    "manage menu": (_file("/actions"), (200, 404, 200, 404)),
    "upload": (_upload, (202, 404, 202, 404)),
    "get document": (_document, (200, 404, 200, 404)),
    "get job": (_job, (200, 404, 200, 404)),
    "deactivate": (_file("/deactivate", "POST"), (409, 404, 409, 404)),
    "reactivate": (_file("/reactivate", "POST"), (202, 404, 409, 404)),
    "detach": (_file("/detach", "POST"), (202, 404, 409, 404)),
    "delete": (_file("/delete", "POST"), (409, 404, 409, 404)),
    "subscribe": (_file("/subscribe", "POST"), (409, 404, 202, 404)),
    "attach": (_attach, (409, 404, 409, 404)),
    "invite": (_file("/invitations", "POST", json={"email": "x@y.test"}), (201, 404, 201, 404)),
    "list invitations": (_file("/invitations"), (200, 404, 200, 404)),
    "revoke invitation": (
        _path("/v1/invitations/{invitation}/revoke", "POST"),
        (200, 404, 409, 404),
    ),
    "list client users": (_file("/users"), (200, 404, 200, 404)),
    "remove client user": (
        _path("/v1/client-files/{file}/users/{client_1}", "DELETE"),
        (200, 404, 409, 404),
    ),
    "file's attach requests": (_file("/attach-requests"), (200, 404, 200, 404)),
    # `other` was detached by B and client_2 asked practice A to take it.
    "incoming attach requests": (_path("/v1/attach-requests"), (200, 200, 200, 200)),
    "accept attach request": (
        _path("/v1/attach-requests/{request}/accept", "POST"),
        (200, 404, 404, 404),
    ),
    "decline attach request": (
        _path("/v1/attach-requests/{request}/decline", "POST"),
        (200, 404, 404, 404),
    ),
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", MATRIX)
def test_access_matrix(
    client: TestClient, world: World, worker: FakeWorker, endpoint: str, caller: str
) -> None:
    setup = _prepare(client, world, worker)
    worker.drain()
    call, expected = MATRIX[endpoint]

    response = call(client, world, setup, world.auth(caller))

    if caller in ("anonymous", "bad_token"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["www-authenticate"] == "Bearer"
    else:
        assert response.status_code == expected[CALLERS.index(caller)], response.json()
    if response.status_code == 404:
        # The same answer as for an id that never existed: nothing to tell them apart.
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("caller", ["client_1", "client_2", "staff_a", "staff_b"])
def test_each_caller_lists_only_their_own_files(
    client: TestClient, world: World, caller: str
) -> None:
    expected = {
        "client_1": {world.shared},
        "client_2": {world.other},
        "staff_a": {world.shared, world.own},
        "staff_b": {world.other},
    }[caller]

    response = client.get("/v1/client-files", headers=world.auth(caller))

    assert {uuid.UUID(item["id"]) for item in response.json()["items"]} == expected


def test_an_unknown_file_and_a_hidden_file_look_the_same(client: TestClient, world: World) -> None:
    hidden = client.get(f"/v1/client-files/{world.other}", headers=world.auth("staff_a"))
    unknown = client.get(f"/v1/client-files/{uuid.uuid4()}", headers=world.auth("staff_a"))

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["error"]["message"] == unknown.json()["error"]["message"]


def test_a_revoked_token_no_longer_opens_anything(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    issued = tokens.issue(runtime.uow(), world.users["staff_a"], "temporary")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get("/v1/client-files", headers=headers).status_code == 200

    tokens.revoke(runtime.uow(), issued.token_id)

    assert client.get("/v1/client-files", headers=headers).status_code == 401


@pytest.mark.parametrize("caller", CALLERS)
def test_incoming_requests_show_only_the_practice_asked(
    client: TestClient, world: World, worker: FakeWorker, caller: str
) -> None:
    setup = _prepare(client, world, worker)

    response = client.get("/v1/attach-requests", headers=world.auth(caller))

    if caller in ("anonymous", "bad_token"):
        assert response.status_code == 401
        return
    ids = [item["id"] for item in response.json()["items"]]
    assert ids == ([setup.attach_request_id] if caller == "staff_a" else [])


@pytest.mark.parametrize("caller", CALLERS)
def test_before_accepting_the_practice_asked_sees_nothing_of_the_file(
    client: TestClient, world: World, worker: FakeWorker, caller: str
) -> None:
    _prepare(client, world, worker)
    base = f"/v1/client-files/{world.other}"
    expected = (
        200 if caller == "client_2" else 404 if caller.startswith(("staff", "client")) else 401
    )

    for path in (
        "",
        "/documents",
        "/jobs",
        "/actions",
        "/users",
        "/invitations",
        "/attach-requests",
    ):
        assert client.get(base + path, headers=world.auth(caller)).status_code == expected, path


def test_the_invitation_code_is_the_only_credential_accept_needs(
    client: TestClient, world: World
) -> None:
    # A wrong code gets the one answer, with or without an API token beside it.
    for headers in ({}, world.auth("staff_a"), world.auth("bad_token")):
        response = client.post(
            "/v1/invitations/accept", json={"token": "inv_wrong"}, headers=headers
        )
        assert response.status_code == 404
        assert "user_id" not in response.json()["error"]
