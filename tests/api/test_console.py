"""The console in process: sign-in and its session cookie, CSRF on every form, the strict
CSP, access (a practice never sees another's files), the Manage menu and its jobs."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient

from app.api.headers import CONSOLE_CSP
from app.bootstrap import Runtime
from app.domain.model import Action, Billing, FileStatus
from app.services import lifecycle, tokens
from tests.api.conftest import EMAILS, World, ask_over_api, invite, text_bytes
from tests.api.console_support import Browser, browser
from tests.api.fakes import FakeDispatcher, FakeWorker


def status_of(runtime: Runtime, file_id: uuid.UUID) -> FileStatus | None:
    with runtime.uow() as uow:
        found = uow.files.get(file_id)
        return found.status if found else None


@pytest.fixture
def staff_a(runtime: Runtime, world: World) -> Browser:
    with browser(runtime) as signed_in:
        assert signed_in.sign_in(world.tokens["staff_a"]) == 303
        yield signed_in


def test_pages_need_a_sign_in_and_send_the_strict_csp(runtime: Runtime, world: World) -> None:
    with browser(runtime) as anonymous:
        response = anonymous.client.get("/console/clients", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/sign-in")
        page = anonymous.client.get("/console/sign-in")
        assert page.headers["content-security-policy"] == CONSOLE_CSP
        assert "'unsafe-inline'" not in CONSOLE_CSP
        # No inline script or style: every script has a src, no style attribute anywhere.
        assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None
        assert "style=" not in page.text
        assert anonymous.client.get("/console/static/console.js").status_code == 200


def test_the_session_cookie_is_signed_httponly_secure_and_samesite(
    runtime: Runtime, world: World
) -> None:
    with browser(runtime) as visitor:
        visitor.open("/console/sign-in")
        response = visitor.client.post(
            "/console/sign-in",
            data={"token": world.tokens["staff_a"], "csrf_token": visitor.csrf},
            follow_redirects=False,
        )
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "secure" in cookie
        assert "samesite=lax" in cookie
        assert world.tokens["staff_a"].lower() not in cookie  # the token never leaves


def test_a_wrong_token_does_not_sign_in(runtime: Runtime, world: World) -> None:
    with browser(runtime) as visitor:
        assert visitor.sign_in("dos_not-a-real-token") == 401
        response = visitor.client.get("/console/clients", follow_redirects=False)
        assert response.status_code == 303


def test_a_tampered_cookie_is_no_session(runtime: Runtime, world: World, staff_a: Browser) -> None:
    cookie = staff_a.client.cookies.get("dossier_console")
    assert cookie
    for value, status in ((cookie, 200), (cookie[:-3] + "AAA", 303)):
        staff_a.client.cookies.clear()
        staff_a.client.cookies.set("dossier_console", value, path="/console")
        response = staff_a.client.get("/console/clients", follow_redirects=False)
        assert response.status_code == status


def test_revoking_the_token_ends_the_session(runtime: Runtime, world: World) -> None:
    issued = tokens.issue(runtime.uow(), world.users["staff_a"], "console")
    with browser(runtime) as visitor:
        assert visitor.sign_in(issued.secret) == 303
        assert visitor.client.get("/console/clients").status_code == 200
        tokens.revoke(runtime.uow(), issued.token_id)
        response = visitor.client.get("/console/clients", follow_redirects=False)
        assert response.status_code == 303


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    runtime: Runtime, world: World, staff_a: Browser, dispatcher: FakeDispatcher
) -> None:
    path = f"/console/files/{world.own}/manage/deactivate"
    assert staff_a.post(path, csrf=False) == 403
    assert staff_a.post(path, {"csrf_token": "forged"}, csrf=False) == 403
    assert dispatcher.sent == []
    assert status_of(runtime, world.own) is FileStatus.ACTIVE


def test_an_upload_without_the_csrf_header_is_refused(
    runtime: Runtime, world: World, staff_a: Browser
) -> None:
    path = f"/console/files/{world.own}/documents"
    files = {"file": ("receipt.txt", text_bytes(), "text/plain")}
    refused = staff_a.client.post(path, files=files, headers={"Accept": "application/json"})
    assert refused.status_code == 403
    accepted = staff_a.client.post(
        path, files=files, headers={"Accept": "application/json", "X-CSRF-Token": staff_a.csrf}
    )
    assert accepted.status_code == 202
    assert accepted.json()["status"] == "pending"


def test_a_practice_sees_its_own_files_only(
    runtime: Runtime, world: World, staff_a: Browser
) -> None:
    listing = staff_a.open("/console/clients")
    assert "Bakery" in listing
    assert "Florist" in listing
    assert "Garage" not in listing
    for path in (
        f"/console/files/{world.other}",
        f"/console/files/{world.other}/manage",
        f"/console/files/{world.other}/manage/deactivate",
    ):
        assert staff_a.client.get(path).status_code == 404, path
    assert staff_a.post(f"/console/files/{world.other}/manage/deactivate") == 404
    assert staff_a.post(f"/console/files/{world.other}/exports") == 404
    assert status_of(runtime, world.other) is FileStatus.ACTIVE


def test_a_client_user_sees_only_their_file(runtime: Runtime, world: World) -> None:
    with browser(runtime) as client_user:
        assert client_user.sign_in(world.tokens["client_1"]) == 303
        listing = client_user.open("/console/clients")
        assert "Bakery" in listing
        assert "Florist" not in listing
        assert "Garage" not in listing
        assert client_user.client.get(f"/console/files/{world.own}").status_code == 404
        menu = client_user.open(f"/console/files/{world.shared}/manage")
        assert "Take your own subscription" in menu
        assert "Deactivate" not in menu  # a practice's action is not offered to a client


def test_the_manage_menu_says_why_not_in_french(runtime: Runtime, world: World) -> None:
    with browser(runtime, language="fr-FR,fr;q=0.9") as staff:
        assert staff.sign_in(world.tokens["staff_a"]) == 303
        menu = staff.open(f"/console/files/{world.shared}/manage")
        assert '<html lang="fr"' in menu
        assert "Ce que cela signifie pour votre client" in menu
        # has_client_users: a sentence with a number, translated by its code.
        assert "1 utilisateur du client voient ce dossier" in menu
        assert "Vous ne verrez plus ce client sur la page « Mes clients »." in menu


def test_deactivate_runs_as_a_job_followed_to_its_end(
    runtime: Runtime, world: World, staff_a: Browser, worker: FakeWorker
) -> None:
    staff_a.open(f"/console/files/{world.own}/manage")
    response = staff_a.client.post(
        f"/console/files/{world.own}/manage/deactivate",
        data={"csrf_token": staff_a.csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_path = response.headers["location"]
    assert staff_a.client.get(f"{job_path}/status").json()["finished"] is False
    worker.drain()
    status = staff_a.client.get(f"{job_path}/status").json()
    assert status["status"] == "done"
    assert status["finished"] is True
    assert status_of(runtime, world.own) is FileStatus.DEACTIVATED
    deactivated = staff_a.open("/console/clients?status=deactivated")
    assert "Florist" in deactivated


def test_a_malformed_form_is_a_page_in_the_readers_language(
    runtime: Runtime, world: World, staff_a: Browser
) -> None:
    staff_a.open(f"/console/files/{world.shared}/manage")
    response = staff_a.client.post(
        f"/console/files/{world.shared}/manage/attach",
        data={"csrf_token": staff_a.csrf, "practice_email": "x" * 400},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 422
    assert "La demande n'est pas valide." in html.unescape(response.text)


def test_delete_needs_the_clients_name(
    runtime: Runtime, world: World, staff_a: Browser, dispatcher: FakeDispatcher
) -> None:
    staff_a.open(f"/console/files/{world.own}/manage")
    path = f"/console/files/{world.own}/manage/delete"
    assert staff_a.post(path, {"confirm_name": "florist"}) == 422
    assert dispatcher.sent == []
    assert staff_a.post(path, {"confirm_name": "Florist"}) == 303
    assert dispatcher.names() == ["dossier.lifecycle.delete"]


def test_the_language_switch_wins_over_accept_language(runtime: Runtime, world: World) -> None:
    with browser(runtime, language="en") as staff:
        assert staff.sign_in(world.tokens["staff_a"]) == 303
        assert (
            staff.post("/console/language", {"language": "fr", "back": "/console/clients"}) == 303
        )
        assert "Mes clients" in staff.open("/console/clients")


def _change(runtime: Runtime, world: World, file_id: uuid.UUID, action: Action, by: str) -> None:
    lifecycle.change(
        runtime.uow(),
        job_id=uuid.uuid4(),
        client_file_id=file_id,
        actor_id=world.users[by],
        action=action,
    )


def test_a_client_user_takes_their_own_subscription(runtime: Runtime, world: World) -> None:
    _change(runtime, world, world.shared, Action.DEACTIVATE, "staff_a")
    with browser(runtime) as client_user:
        assert client_user.sign_in(world.tokens["client_1"]) == 303
        client_user.open(f"/console/files/{world.shared}/manage")
        assert client_user.post(f"/console/files/{world.shared}/manage/subscribe") == 303
    with runtime.uow() as uow:
        found = uow.files.get(world.shared)
        assert found is not None
        assert (found.billing, found.status) == (Billing.INDIVIDUAL, FileStatus.ACTIVE)


def test_a_skipped_document_is_sent_again_once_its_file_may_extract(
    runtime: Runtime, world: World, staff_a: Browser, worker: FakeWorker
) -> None:
    _change(runtime, world, world.own, Action.DEACTIVATE, "staff_a")
    staff_a.open(f"/console/files/{world.own}")
    uploaded = staff_a.client.post(
        f"/console/files/{world.own}/documents",
        files={"file": ("receipt.txt", text_bytes(), "text/plain")},
        headers={"Accept": "application/json", "X-CSRF-Token": staff_a.csrf},
    ).json()
    worker.drain()
    page = staff_a.open(f"/console/files/{world.own}")
    assert "Not extracted: the client file was deactivated before this document was read." in page
    retry = f"/console/documents/{uploaded['id']}/retry"
    refused = staff_a.client.post(retry, data={"csrf_token": staff_a.csrf})
    assert refused.status_code == 409
    assert "reactivate it before sending documents again" in refused.text
    _change(runtime, world, world.own, Action.REACTIVATE, "staff_a")
    assert staff_a.post(retry) == 303


def test_schedules_are_added_and_cancelled_and_exports_asked_for(
    runtime: Runtime, world: World, staff_a: Browser
) -> None:
    staff_a.open(f"/console/files/{world.own}")
    schedules = f"/console/files/{world.own}/schedules"
    form = {"action": "deactivate", "run_at": "2031-12-31T18:00", "time_zone": "Europe/Paris"}
    assert staff_a.post(schedules, form) == 303
    assert staff_a.post(schedules, {**form, "run_at": "2001-01-01T00:00"}) == 422  # past
    page = staff_a.open(f"/console/files/{world.own}")
    assert "31 Dec 2031, 17:00:00 UTC" in page  # 18:00 in Paris
    cancel = re.search(r'action="(/console/files/[^"]+/schedules/[^"]+/cancel)"', page)
    assert cancel is not None
    assert staff_a.post(cancel.group(1)) == 303
    assert "Cancelled" in staff_a.open(f"/console/files/{world.own}")
    assert staff_a.post(f"/console/files/{world.own}/exports") == 303
    assert "Waiting for a worker" in staff_a.open(f"/console/files/{world.own}")


def test_a_client_user_withdraws_their_own_request_to_attach(
    runtime: Runtime, world: World, client: TestClient, worker: FakeWorker
) -> None:
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    asked = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_b"])
    request_id = asked.json()["id"]
    with browser(runtime, language="fr") as client_user:
        assert client_user.sign_in(world.tokens["client_1"]) == 303
        page = client_user.open(f"/console/files/{world.shared}/manage")
        withdraw = f"/console/attach-requests/{request_id}/cancel"
        assert f'action="{withdraw}"' in page
        assert "Demandes de rattachement en attente" in page

        assert client_user.post(withdraw) == 303
        after = client_user.open(f"/console/files/{world.shared}?done=cancel_attach")
        again = client_user.post(withdraw)

    assert "La demande est retirée" in after
    assert again == 409
    listed = client.get(
        f"/v1/client-files/{world.shared}/attach-requests", headers=world.auth("client_1")
    ).json()["items"]
    assert [item["status"] for item in listed] == ["withdrawn"]
    assert client.get("/v1/attach-requests", headers=world.auth("staff_b")).json()["items"] == []


def test_only_the_asker_is_offered_to_withdraw_a_request(
    runtime: Runtime, world: World, client: TestClient, worker: FakeWorker
) -> None:
    partner = invite(runtime, world.shared, world.users["staff_a"], "partner@bakery.test")
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    request_id = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_b"]).json()[
        "id"
    ]
    with browser(runtime) as other_client_user:
        assert other_client_user.sign_in(tokens.issue(runtime.uow(), partner).secret) == 303
        page = other_client_user.open(f"/console/files/{world.shared}/manage")
        refused = other_client_user.post(f"/console/attach-requests/{request_id}/cancel")

    assert "Pending requests to attach" in page
    assert f"/console/attach-requests/{request_id}/cancel" not in page
    assert refused == 409


@pytest.mark.parametrize(
    ("language", "practice_billing", "staff_words"),
    [
        ("en", "Included in your practice's subscription", "Included in your subscription"),
        ("fr", "Inclus dans l'abonnement de votre cabinet", "Inclus dans votre abonnement"),
    ],
)
def test_a_client_user_reads_the_billing_from_their_side(
    runtime: Runtime, world: World, language: str, practice_billing: str, staff_words: str
) -> None:
    with browser(runtime, language=language) as client_user:
        assert client_user.sign_in(world.tokens["client_1"]) == 303
        pages = [
            client_user.open("/console/clients"),
            client_user.open(f"/console/files/{world.shared}"),
            client_user.open(f"/console/files/{world.shared}/manage"),
        ]

    for page in pages:
        assert practice_billing in html.unescape(page)
        assert staff_words not in html.unescape(page)


@pytest.mark.parametrize(
    ("who", "shown", "not_shown"),
    [
        ("client_1", ["Active files", "What this means for your practice"], ["Active clients"]),
        ("staff_a", ["Active clients", "What this means for your client"], ["Active files"]),
    ],
)
def test_the_lists_and_confirmations_speak_to_whoever_reads_them(
    runtime: Runtime, world: World, who: str, shown: list[str], not_shown: list[str]
) -> None:
    with browser(runtime) as reader:
        assert reader.sign_in(world.tokens[who]) == 303
        pages = html.unescape(
            reader.open("/console/clients") + reader.open(f"/console/files/{world.shared}/manage")
        )

    for words in shown:
        assert words in pages
    for words in not_shown:
        assert words not in pages


@pytest.mark.parametrize(("answer", "outcome"), [("accept", "accepted"), ("decline", "declined")])
def test_the_practice_asked_answers_a_request_to_attach_from_its_list(
    runtime: Runtime,
    world: World,
    client: TestClient,
    worker: FakeWorker,
    answer: str,
    outcome: str,
) -> None:
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    request_id = ask_over_api(client, world, "client_1", world.shared, EMAILS["staff_b"]).json()[
        "id"
    ]
    with browser(runtime, language="fr") as staff_b, browser(runtime) as staff_a:
        assert staff_b.sign_in(world.tokens["staff_b"]) == 303
        assert staff_a.sign_in(world.tokens["staff_a"]) == 303
        listed = staff_b.open("/console/clients")
        elsewhere = staff_a.open("/console/clients")
        not_theirs = staff_a.post(f"/console/attach-requests/{request_id}/{answer}")

        assert staff_b.post(f"/console/attach-requests/{request_id}/{answer}") == 303
        after = staff_b.open("/console/clients")

    assert "Demandes de rattachement" in listed
    assert "Bakery" in listed
    assert "c1@bakery.test" in listed
    assert f"/console/attach-requests/{request_id}/{answer}" in listed
    assert f"/console/attach-requests/{request_id}/" not in elsewhere
    assert not_theirs == 404
    assert f"/console/attach-requests/{request_id}/" not in after
    listed_by_client = client.get(
        f"/v1/client-files/{world.shared}/attach-requests", headers=world.auth("client_1")
    ).json()["items"]
    assert [item["status"] for item in listed_by_client] == [outcome]
    seen = client.get(f"/v1/client-files/{world.shared}", headers=world.auth("staff_b"))
    assert seen.status_code == (200 if outcome == "accepted" else 404)


def test_the_retry_buttons_name_their_document_in_the_readers_language(
    runtime: Runtime, world: World, client: TestClient, worker: FakeWorker
) -> None:
    _change(runtime, world, world.own, Action.DEACTIVATE, "staff_a")
    files = {"file": ("ticket.txt", text_bytes("retry label"), "text/plain")}
    client.post(
        f"/v1/client-files/{world.own}/documents", files=files, headers=world.auth("staff_a")
    )
    worker.drain()
    with browser(runtime, language="fr") as staff:
        assert staff.sign_in(world.tokens["staff_a"]) == 303
        page = staff.open(f"/console/files/{world.own}")

    assert 'aria-label="Renvoyer ticket.txt pour extraction"' in page
