"""The console's other ways in: a sign-in link mailed through the outbox (single use,
short-lived, the same answer whatever the address, rate-limited) and an invitation
accepted on its page (the consent service's acceptance, then signed in). And a deletion
cancelled during its grace period, from the list of files being deleted."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.api.ratelimit import RedisLimiter
from app.bootstrap import Runtime, build_runtime
from app.config import Settings
from app.domain.model import FileStatus
from app.persistence.mail import OutboxMail
from app.persistence.models import Base, LifecycleJob
from app.persistence.sign_in_links import SignInLink
from app.services import admin, invitations, staff, tokens
from app.web import create_app
from tests.api.conftest import World
from tests.api.console_support import Browser, browser, csrf_of
from tests.api.fakes import FakeDispatcher, FakeWorker
from tests.support.consent import TOKEN, mails_to, send_invitation

LINK = re.compile(r"https?://\S+/console/sign-in/link\?\S*token=(sil_[A-Za-z0-9_-]+)")
ANN, STRANGER = "ann@alpha.test", "nobody@nowhere.test"


def ask_for_link(visitor: Browser, email: str) -> int:
    visitor.open("/console/sign-in")
    response = visitor.client.post(
        "/console/sign-in/email",
        data={"email": email, "csrf_token": visitor.csrf},
        follow_redirects=False,
    )
    return response.status_code


def links_to(runtime: Runtime, address: str) -> list[OutboxMail]:
    return [m for m in mails_to(runtime.uow(), address) if m.kind == "sign_in_link"]


def link_in_mail(runtime: Runtime, address: str) -> str:
    letters = links_to(runtime, address)
    assert letters, f"no sign-in link was mailed to {address}"
    found = LINK.search(letters[0].body)
    assert found is not None, letters[0].body
    return found.group(1)


def use_link(visitor: Browser, secret: str) -> tuple[int, str]:
    page = visitor.client.get(f"/console/sign-in/link?token={secret}")
    response = visitor.client.post(
        "/console/sign-in/link",
        data={"token": secret, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    return response.status_code, response.text


def signed_in(visitor: Browser) -> bool:
    return visitor.client.get("/console/clients", follow_redirects=False).status_code == 200


def test_a_mailed_link_signs_in_once(runtime: Runtime, world: World) -> None:
    with browser(runtime) as visitor:
        assert ask_for_link(visitor, " Ann@Alpha.test ") == 303
        secret = link_in_mail(runtime, ANN)
        # Opening the link spends nothing (a mail scanner may fetch it): the click does.
        assert visitor.client.get(f"/console/sign-in/link?token={secret}").status_code == 200
        assert not signed_in(visitor)

        assert use_link(visitor, secret)[0] == 303
        assert signed_in(visitor)

    with browser(runtime) as someone_else:
        status, page = use_link(someone_else, secret)
        assert status == 401
        assert "expired or was used already" in page
        assert not signed_in(someone_else)


def test_the_answer_is_the_same_whoever_the_address_belongs_to(
    runtime: Runtime, world: World
) -> None:
    answers = []
    for address in (ANN, STRANGER, "not an address"):
        with browser(runtime) as visitor:
            visitor.open("/console/sign-in")
            response = visitor.client.post(
                "/console/sign-in/email",
                data={"email": address, "csrf_token": visitor.csrf},
                follow_redirects=False,
            )
            page = visitor.client.get(response.headers["location"])
            answers.append((response.status_code, response.headers["location"], page.text))

    assert answers[0][:2] == answers[1][:2] == answers[2][:2]
    # The same page, but for its session's CSRF token.
    assert len({re.sub(r'content="[^"]+"|value="[^"]{40,}"', "", a[2]) for a in answers}) == 1
    assert "a sign-in link is on its way" in answers[0][2]
    assert mails_to(runtime.uow(), STRANGER) == []
    assert len(mails_to(runtime.uow(), ANN)) == 1


def test_an_expired_link_or_a_disabled_account_does_not_sign_in(
    runtime: Runtime, world: World
) -> None:
    with browser(runtime) as visitor:
        ask_for_link(visitor, ANN)
        secret = link_in_mail(runtime, ANN)
        with runtime.uow() as uow:
            past = uow.clock() - timedelta(seconds=1)
            uow.session.execute(update(SignInLink).values(expires_at=past))
            uow.commit()
        assert use_link(visitor, secret)[0] == 401

        ask_for_link(visitor, "c1@bakery.test")
        secret = link_in_mail(runtime, "c1@bakery.test")
        staff.set_disabled(runtime.uow(), "c1@bakery.test", True)
        assert use_link(visitor, secret)[0] == 401
        ask_for_link(visitor, "c1@bakery.test")
        assert len(links_to(runtime, "c1@bakery.test")) == 1  # none for a disabled one


def test_a_link_session_ends_when_its_user_is_disabled(runtime: Runtime, world: World) -> None:
    with browser(runtime) as visitor:
        ask_for_link(visitor, ANN)
        assert use_link(visitor, link_in_mail(runtime, ANN))[0] == 303
        assert signed_in(visitor)

        staff.set_disabled(runtime.uow(), ANN, True)

        assert not signed_in(visitor)


def test_a_link_asked_for_on_the_way_to_a_page_leads_back_to_it(
    runtime: Runtime, world: World
) -> None:
    wanted = f"/console/files/{world.own}"
    with browser(runtime) as visitor:
        visitor.open(f"/console/sign-in?next={wanted}")
        visitor.client.post(
            "/console/sign-in/email",
            data={"email": ANN, "csrf_token": visitor.csrf, "next": wanted},
        )
        (letter,) = links_to(runtime, ANN)
        found = LINK.search(letter.body)
        assert found is not None
        link = urlsplit(found.group(0))
        page = visitor.client.get(f"{link.path}?{link.query}").text
        carried = re.search(r'name="next" value="([^"]*)"', page)
        assert carried is not None
        response = visitor.client.post(
            "/console/sign-in/link",
            data={"token": found.group(1), "csrf_token": csrf_of(page), "next": carried[1]},
            follow_redirects=False,
        )
        assert response.headers["location"] == wanted


def test_the_link_and_its_mail_follow_the_pages_language(runtime: Runtime, world: World) -> None:
    with browser(runtime, language="fr") as visitor:
        ask_for_link(visitor, ANN)
        page = html.unescape(visitor.client.get("/console/sign-in?sent=true").text)
        assert "un lien de connexion vient d'y être envoyé" in page
        (letter,) = mails_to(runtime.uow(), ANN)
        assert letter.subject == "Votre lien de connexion à Dossier"
        assert "dans les 15 minutes" in letter.body


def web_process(runtime: Runtime) -> TestClient:
    """A web process whose limits are counted afresh: at most 2 links a minute per key."""
    limiter = RedisLimiter.from_uri(
        "memory://",
        key_prefix="unused",
        failed_auth="100/minute",
        uploads="100/minute",
        sign_in_links="2/minute",
    )
    app = create_app(runtime, broker_check=lambda: None, limiter=limiter)
    return TestClient(app, base_url="https://testserver")


def test_links_are_limited_per_address_whether_it_has_an_account_or_not(
    runtime: Runtime, world: World
) -> None:
    statuses = {}
    for address in (ANN, STRANGER):
        visitor = Browser(web_process(runtime))
        statuses[address] = [ask_for_link(visitor, address) for _ in range(3)]

    assert statuses == {ANN: [303, 303, 429], STRANGER: [303, 303, 429]}
    assert len(mails_to(runtime.uow(), ANN)) == 2


def test_links_are_limited_per_client_address(runtime: Runtime, world: World) -> None:
    visitor = Browser(web_process(runtime))
    asked = [ask_for_link(visitor, address) for address in (STRANGER, "x@y.test", ANN)]

    assert asked == [303, 303, 429]
    assert mails_to(runtime.uow(), ANN) == []


def test_an_invitation_is_accepted_on_its_page_and_signs_in(runtime: Runtime, world: World) -> None:
    with browser(runtime) as ann:
        ann.sign_in(world.tokens["staff_a"])
        invite = f"/console/files/{world.own}/manage/invite_client_user"
        assert ann.post(invite, {"email": "paul@florist.test"}) == 303
    (letter,) = mails_to(runtime.uow(), "paul@florist.test")
    link = re.search(r"https?://\S+/console/invitations/accept\?code=(inv_\S+)", letter.body)
    assert link is not None, letter.body
    code = link.group(1)

    with browser(runtime) as paul:
        page = paul.open(f"/console/invitations/accept?code={code}")
        assert f'value="{code}"' in page
        # Switching language keeps the code.
        assert f'name="back" value="/console/invitations/accept?code={code}"' in page
        accepted = paul.client.post(
            "/console/invitations/accept", data={"code": code, "csrf_token": paul.csrf}
        )
        assert accepted.status_code == 200
        assert "Florist" in accepted.text
        token = re.search(r"\bdos_[A-Za-z0-9_-]+", accepted.text)
        assert token is not None  # shown once: it is the person's own API token
        assert paul.client.get(f"/console/files/{world.own}").status_code == 200
        assert paul.client.get(f"/console/files/{world.shared}").status_code == 404

        again = paul.client.post(
            "/console/invitations/accept",
            data={"code": code, "csrf_token": csrf_of(accepted.text)},
        )
        assert again.status_code == 404
        assert "accepted already" in again.text


@pytest.mark.parametrize(
    ("what", "language", "said"),
    [
        ("expired", "en", "This invitation has expired."),
        ("revoked", "fr", "Cette invitation a été retirée"),
        ("unknown", "en", "This invitation is not valid"),
        ("staff", "fr", "Cette adresse est celle d'un compte de cabinet comptable"),
    ],
)
def test_an_invitation_that_cannot_be_used_says_why(
    runtime: Runtime, world: World, what: str, language: str, said: str
) -> None:
    address = "ann@alpha.test" if what == "staff" else "paul@florist.test"
    view = send_invitation(runtime.uow(), world.own, world.users["staff_a"], address)
    code = TOKEN.search(mails_to(runtime.uow(), address)[0].body).group(0)  # type: ignore[union-attr]
    if what == "expired":
        with runtime.uow() as uow:
            from app.persistence.consent import InvitationRow

            row = uow.session.get(InvitationRow, view.id)
            assert row is not None
            row.expires_at = uow.clock() - timedelta(minutes=1)
            uow.commit()
    elif what == "revoked":
        invitations.revoke(runtime.uow(), view.id, world.users["staff_a"])
    elif what == "unknown":
        code = "inv_" + "x" * 40

    with browser(runtime, language=language) as visitor:
        visitor.open(f"/console/invitations/accept?code={code}")
        refused = visitor.client.post(
            "/console/invitations/accept", data={"code": code, "csrf_token": visitor.csrf}
        )
        assert refused.status_code == (409 if what == "staff" else 404)
        assert said in html.unescape(refused.text)
        assert not signed_in(visitor)


@pytest.fixture
def grace_runtime(tmp_path: Path, dispatcher: FakeDispatcher) -> Iterator[Runtime]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'grace.db'}",
        storage_dir=tmp_path / "blobs",
        embedded_dir=tmp_path / "var",
        deletion_grace_days=7,
    )
    runtime = build_runtime(settings, dispatcher)
    Base.metadata.create_all(runtime.db)
    yield runtime
    runtime.close()


def test_a_deletion_is_cancelled_from_the_list_of_files_being_deleted(
    grace_runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    runtime = grace_runtime
    practice = admin.create_practice(runtime.uow(), "Alpha")
    ann = admin.create_staff_user(runtime.uow(), practice, "Ann", ANN)
    florist = admin.create_client_file(runtime.uow(), practice, "Florist")

    with browser(runtime) as visitor:
        assert visitor.sign_in(tokens.issue(runtime.uow(), ann).secret) == 303
        visitor.post(f"/console/files/{florist}/manage/delete", {"confirm_name": "Florist"})
        FakeWorker(runtime, dispatcher).drain()
        # The deletion's job waits out the grace period: its page stops waiting and says
        # until when, and where to cancel.
        (job_id,) = job_ids(runtime, florist)
        followed = visitor.client.get(f"/console/jobs/{job_id}/status").json()
        assert followed["status"] == "running"
        assert followed["finished"] is True
        assert followed["status_label"] == "Waiting for the grace period"
        assert "list of files being deleted" in followed["message"]
        assert "UTC" in followed["message"]
        listed = visitor.open("/console/clients?status=deleting")
        assert f'action="/console/files/{florist}/cancel-deletion"' in listed
        assert "<time datetime=" in listed  # when its purge starts
        assert visitor.client.get(f"/console/files/{florist}").status_code == 404
        confirm = visitor.client.get(f"/console/files/{florist}/cancel-deletion")
        assert "Keep the file" in confirm.text

        assert visitor.post(f"/console/files/{florist}/cancel-deletion", csrf=False) == 403
        assert status_of(runtime, florist) is FileStatus.DELETING
        assert visitor.post(f"/console/files/{florist}/cancel-deletion") == 303

        assert visitor.client.get(f"/console/files/{florist}").status_code == 200
        assert visitor.post(f"/console/files/{florist}/cancel-deletion") == 409
    assert status_of(runtime, florist) is FileStatus.ACTIVE


def job_ids(runtime: Runtime, file_id: uuid.UUID) -> list[uuid.UUID]:
    with runtime.uow() as uow:
        found = uow.session.scalars(
            select(LifecycleJob.id).where(LifecycleJob.client_file_id == file_id)
        )
        return list(found)


def status_of(runtime: Runtime, file_id: uuid.UUID) -> FileStatus | None:
    with runtime.uow() as uow:
        found = uow.files.get(file_id)
        return found.status if found else None


def test_a_retention_hold_is_placed_and_lifted_on_the_file_page(
    runtime: Runtime, world: World
) -> None:
    with browser(runtime, language="fr") as ann:
        ann.sign_in(world.tokens["staff_a"])
        hold = {"reason": "Contrôle fiscal 2027", "until": "2031-01-15T12:00"}
        assert (
            ann.post(f"/console/files/{world.own}/hold", {**hold, "time_zone": "Europe/Paris"})
            == 303
        )

        page = html.unescape(ann.open(f"/console/files/{world.own}"))
        assert "Conservé jusqu'au" in page
        assert "Contrôle fiscal 2027" in page
        assert '<time datetime="2031-01-15T11:00:00+00:00"' in page  # noon in Paris
        menu = html.unescape(ann.open(f"/console/files/{world.own}/manage"))
        assert "sous conservation obligatoire jusqu'au" in menu  # why delete is refused

        past = {"reason": "Litige", "until": "2001-01-01T00:00"}
        assert ann.post(f"/console/files/{world.own}/hold", past) == 422
        assert ann.post(f"/console/files/{world.own}/hold/release") == 303
        page = html.unescape(ann.open(f"/console/files/{world.own}"))
        assert "Conservé jusqu'au" not in page

    with browser(runtime) as client:
        client.sign_in(world.tokens["client_1"])
        assert "Retention hold" not in client.open(f"/console/files/{world.shared}")
        assert client.post(f"/console/files/{world.shared}/hold", hold) == 409  # staff only
    with runtime.uow() as uow:
        shared = uow.files.get(world.shared)
        assert shared is not None
        assert shared.hold_until is None
