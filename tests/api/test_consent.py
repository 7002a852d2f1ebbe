"""Invitations, client users and attach requests over the API. Nobody learns from an
answer whether an address is known to Dossier, or whose it is."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.persistence.models import User
from app.services import admin, invitations
from tests.api.conftest import EMAILS, World, ask_over_api, attach_over_api, text_bytes, upload
from tests.api.fakes import FakeWorker
from tests.support.consent import ACCEPT_URL, invitation_token, mails_to

ACCEPT = "/v1/invitations/accept"


def _invite(client: TestClient, world: World, who: str, file_id: uuid.UUID, email: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/v1/client-files/{file_id}/invitations", json={"email": email}, headers=world.auth(who)
    )


def _user(runtime: Runtime, email: str) -> User | None:
    with runtime.uow() as uow:
        user = uow.users.by_email(email)
        if user is not None:
            uow.session.expunge(user)
        return user


def _accept(client: TestClient, runtime: Runtime, email: str):  # type: ignore[no-untyped-def]
    return client.post(ACCEPT, json={"token": invitation_token(runtime.uow(), email)})


def test_an_invitation_creates_nobody_until_it_is_accepted(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    invited = _invite(client, world, "staff_a", world.own, "new@florist.test")

    assert invited.status_code == 201, invited.text
    assert invited.json()["status"] == "pending"
    assert _user(runtime, "new@florist.test") is None
    mail = mails_to(runtime.uow(), "new@florist.test")
    assert [item.kind for item in mail] == ["invitation"]
    assert "Florist" in mail[0].body

    accepted = _accept(client, runtime, "new@florist.test")

    assert accepted.status_code == 201, accepted.text
    welcome = accepted.json()
    user = _user(runtime, "new@florist.test")
    assert user is not None
    assert welcome["user_id"] == str(user.id)
    # The person signs in with their own token and sees the file, nothing else.
    own = {"Authorization": f"Bearer {welcome['token']}"}
    listed = client.get("/v1/client-files", headers=own).json()["items"]
    assert [item["id"] for item in listed] == [str(world.own)]


def test_the_answer_is_the_same_whoever_the_address_belongs_to(
    client: TestClient, world: World
) -> None:
    addresses = {
        "unknown": "nobody@nowhere.test",
        "own staff": EMAILS["staff_a"],
        "other practice's staff": EMAILS["staff_b"],
        "other practice's client": "c2@garage.test",
        "already on the file": "c1@bakery.test",
    }
    shapes = {}
    for label, email in addresses.items():
        response = _invite(client, world, "client_1", world.shared, email)
        body = response.json()
        assert response.status_code == 201, (label, body)
        # Nothing but the invitation itself: no user id, no role, no practice.
        shapes[label] = (tuple(sorted(body)), body["status"], body["email"] == email)
        for secret in ("user_id", "practice_id", "role"):
            assert secret not in body
    assert len(set(shapes.values())) == 1, shapes


def test_a_token_works_once_and_every_unusable_token_gets_one_answer(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    _invite(client, world, "staff_a", world.shared, "once@bakery.test")
    token = invitation_token(runtime.uow(), "once@bakery.test")
    assert client.post(ACCEPT, json={"token": token}).status_code == 201

    again = client.post(ACCEPT, json={"token": token})
    unknown = client.post(ACCEPT, json={"token": "inv_" + "x" * 43})
    garbage = client.post(ACCEPT, json={"token": "hello"})

    assert again.status_code == unknown.status_code == garbage.status_code == 404
    assert again.json() == unknown.json() == garbage.json()


def test_an_expired_invitation_cannot_be_accepted(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    invitations.invite(
        runtime.uow(),
        client_file_id=world.own,
        actor_id=world.users["staff_a"],
        email="late@florist.test",
        ttl=timedelta(0),
        accept_url=ACCEPT_URL,
    )

    response = _accept(client, runtime, "late@florist.test")

    assert response.status_code == 404
    assert _user(runtime, "late@florist.test") is None
    listed = client.get(
        f"/v1/client-files/{world.own}/invitations", headers=world.auth("staff_a")
    ).json()
    assert [item["status"] for item in listed["items"]] == ["expired"]


def test_a_revoked_invitation_stops_working_and_only_staff_revoke(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    invitation = _invite(client, world, "client_1", world.shared, "gone@bakery.test").json()
    url = f"/v1/invitations/{invitation['id']}/revoke"

    by_client = client.post(url, headers=world.auth("client_1"))
    by_stranger = client.post(url, headers=world.auth("staff_b"))
    by_staff = client.post(url, headers=world.auth("staff_a"))

    assert (by_client.status_code, by_client.json()["error"]["reason"]) == (
        409,
        "practice_staff_only",
    )
    assert by_stranger.status_code == 404
    assert (by_staff.status_code, by_staff.json()["status"]) == (200, "revoked")
    assert _accept(client, runtime, "gone@bakery.test").status_code == 404


def test_a_staff_address_cannot_be_made_a_client_and_a_client_cannot_squat_one(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    # A client invites an address the practice has not yet made a staff account.
    _invite(client, world, "client_1", world.shared, "carl@alpha.test")
    assert _user(runtime, "carl@alpha.test") is None

    staff_id = admin.create_staff_user(runtime.uow(), world.practice_a, "Carl", "carl@alpha.test")
    refused = _accept(client, runtime, "carl@alpha.test")

    assert (refused.status_code, refused.json()["error"]["reason"]) == (409, "staff_address")
    user = _user(runtime, "carl@alpha.test")
    assert user is not None
    assert user.id == staff_id
    assert str(user.role) == "staff"


def test_a_client_of_another_practice_is_bound_only_by_accepting(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    _invite(client, world, "staff_a", world.shared, "c2@garage.test")
    shared = f"/v1/client-files/{world.shared}"
    assert client.get(shared, headers=world.auth("client_2")).status_code == 404

    accepted = _accept(client, runtime, "c2@garage.test")

    assert accepted.json()["user_id"] == str(world.users["client_2"])
    assert client.get(shared, headers=world.auth("client_2")).status_code == 200


def test_a_pending_invitation_blocks_delete_and_does_not_allow_detach(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    invitation = _invite(client, world, "staff_a", world.own, "later@florist.test").json()
    base = f"/v1/client-files/{world.own}"

    deleted = client.post(f"{base}/delete", headers=world.auth("staff_a"))
    detached = client.post(f"{base}/detach", headers=world.auth("staff_a"))

    assert deleted.json()["error"]["reason"] == "invitation_pending"
    assert detached.json()["error"]["reason"] == "invitation_not_accepted"
    client.post(f"/v1/invitations/{invitation['id']}/revoke", headers=world.auth("staff_a"))
    assert client.post(f"{base}/delete", headers=world.auth("staff_a")).status_code == 202


def test_staff_remove_a_client_user_whose_access_ends_at_once(
    client: TestClient, world: World
) -> None:
    user = f"/v1/client-files/{world.shared}/users/{world.users['client_1']}"
    listed = client.get(f"/v1/client-files/{world.shared}/users", headers=world.auth("client_1"))
    assert [item["email"] for item in listed.json()["items"]] == ["c1@bakery.test"]

    by_client = client.delete(user, headers=world.auth("client_1"))
    by_staff = client.delete(user, headers=world.auth("staff_a"))

    assert by_client.status_code == 409
    assert (by_staff.status_code, by_staff.json()["counts"]) == (200, {"client_users_removed": 1})
    shared = f"/v1/client-files/{world.shared}"
    assert client.get(shared, headers=world.auth("client_1")).status_code == 404
    assert client.delete(user, headers=world.auth("staff_a")).status_code == 404


def test_the_client_is_told_what_the_practice_did(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    base = f"/v1/client-files/{world.shared}"
    for action in ("deactivate", "reactivate", "detach"):
        assert client.post(f"{base}/{action}", headers=world.auth("staff_a")).status_code == 202
        worker.drain()

    told = mails_to(runtime.uow(), "c1@bakery.test")

    assert [item.kind for item in reversed(told)] == [
        "invitation",
        "deactivate",
        "reactivate",
        "detach",
    ]
    assert "The client keeps access to the file and all its documents." in told[0].body
    assert "Alpha Accounting has detached" in told[0].subject


def test_a_practice_sees_nothing_of_a_file_before_it_accepts_and_never_the_past(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    upload(client, world, "staff_a", world.shared, text_bytes())
    client.post(f"/v1/client-files/{world.shared}/deactivate", headers=world.auth("staff_a"))
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    asked = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_b"])
    assert (asked.status_code, asked.json()["status"]) == (202, "pending")

    incoming = client.get("/v1/attach-requests", headers=world.auth("staff_b")).json()["items"]
    assert [(item["client_file_name"], item["requested_by"]) for item in incoming] == [
        ("Bakery", "c1@bakery.test")
    ]
    for path in ("", "/documents", "/jobs", "/actions", "/users", "/invitations"):
        response = client.get(
            f"/v1/client-files/{world.shared}{path}", headers=world.auth("staff_b")
        )
        assert response.status_code == 404, path
    assert client.get("/v1/attach-requests", headers=world.auth("staff_a")).json()["items"] == []

    accepted = client.post(
        f"/v1/attach-requests/{asked.json()['id']}/accept", headers=world.auth("staff_b")
    )

    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    seen = client.get(f"/v1/client-files/{world.shared}", headers=world.auth("staff_b")).json()
    assert (seen["practice_id"], seen["billing"]) == (str(world.practice_b), "practice")
    jobs = client.get(f"/v1/client-files/{world.shared}/jobs", headers=world.auth("staff_b"))
    # The former practice's deactivate and detach stay its own.
    assert {job["action"] for job in jobs.json()["items"]} <= {
        "attach",
        "request_attach",
        "accept_invitation",
    }


def test_an_address_of_no_practice_gets_the_same_answer_and_reaches_nobody(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()

    answers = [
        ask_over_api(client, world, "client_1", world.shared, email)
        for email in (EMAILS["staff_b"], "nobody@nowhere.test", "c2@garage.test")
    ]

    assert [(a.status_code, sorted(a.json()), a.json()["status"]) for a in answers] == [
        (202, sorted(answers[0].json()), "pending")
    ] * 3
    for staff in ("staff_a", "staff_b"):
        incoming = client.get("/v1/attach-requests", headers=world.auth(staff)).json()["items"]
        assert len(incoming) == (1 if staff == "staff_b" else 0)


def test_accepting_closes_the_other_requests_and_a_decline_changes_nothing(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    to_a = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_a"]).json()
    declined = client.post(
        f"/v1/attach-requests/{to_a['id']}/decline", headers=world.auth("staff_a")
    )
    assert declined.json()["status"] == "declined"
    assert (
        client.get(f"/v1/client-files/{world.shared}", headers=world.auth("staff_a")).status_code
        == 404
    )
    again = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_a"]).json()

    attach_over_api(client, world, "client_1", world.shared, "staff_b")

    requests = client.get(
        f"/v1/client-files/{world.shared}/attach-requests", headers=world.auth("client_1")
    ).json()["items"]
    statuses = {item["id"]: item["status"] for item in requests}
    assert statuses[again["id"]] == "withdrawn"
    late = client.post(f"/v1/attach-requests/{again['id']}/accept", headers=world.auth("staff_a"))
    assert late.status_code == 409


def test_the_next_practice_never_sees_nor_revokes_a_former_practices_invitations(
    client: TestClient, world: World, worker: FakeWorker
) -> None:
    former = _invite(client, world, "staff_a", world.shared, "former@bakery.test").json()
    by_client = _invite(client, world, "client_1", world.shared, "cousin@bakery.test").json()
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    attach_over_api(client, world, "client_1", world.shared, "staff_b")
    own = _invite(client, world, "staff_b", world.shared, "next@bakery.test").json()

    def listed(who: str) -> set[str]:
        response = client.get(
            f"/v1/client-files/{world.shared}/invitations", headers=world.auth(who)
        )
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    revoked = client.post(f"/v1/invitations/{former['id']}/revoke", headers=world.auth("staff_b"))

    # The client's own invitation is the file's, not the former practice's.
    assert listed("staff_b") == {by_client["id"], own["id"]}
    assert (revoked.status_code, revoked.json()["error"]["code"]) == (404, "not_found")
    # The client user reads them all (and the invitations the file was set up with).
    assert listed("client_1") >= {former["id"], by_client["id"], own["id"]}
