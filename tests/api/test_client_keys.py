"""The client's other changes carry an idempotency key too: an export, an invitation, an
attach request and its cancel, retried after a lost answer, happen once."""

from __future__ import annotations

import asyncio

import httpx
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.client import AsyncDossier, Dossier
from app.persistence.consent import AttachRequestRow
from app.persistence.exports import ExportBundle
from app.web import create_app
from tests.api.client_support import Flaky
from tests.api.conftest import EMAILS, World
from tests.api.fakes import FakeWorker
from tests.api.test_client import QUICK
from tests.support.consent import mails_to


def flaky(
    client: TestClient, world: World, who: str, script: list[object]
) -> tuple[Dossier, Flaky]:
    transport = Flaky(client._transport, script)
    http = httpx.Client(transport=transport, base_url="http://testserver")
    return Dossier(token=world.tokens[who], http=http, retry=QUICK), transport


def count(runtime: Runtime, model: type[object]) -> int:
    with runtime.uow() as uow:
        return uow.session.query(model).count()


def test_an_export_whose_answer_was_lost_is_one_export(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    dossier, transport = flaky(client, world, "staff_a", ["lost", 503])

    export = dossier.export(world.own)

    assert len(transport.keys) == 3
    assert len(set(transport.keys)) == 1
    assert transport.keys[0]
    assert (export.client_file_id, export.status) == (world.own, "pending")
    assert count(runtime, ExportBundle) == 1


def test_an_invitation_whose_answer_was_lost_is_one_invitation_and_one_mail(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    dossier, transport = flaky(client, world, "staff_a", ["lost"])

    invited = dossier.invite(world.own, "new@florist.test", idempotency_key="invite-flo")

    assert transport.keys == ["invite-flo", "invite-flo"]
    assert invited.status == "pending"
    assert len(mails_to(runtime.uow(), "new@florist.test")) == 1


def test_an_attach_request_and_its_cancel_retried_happen_once(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    client.post(f"/v1/client-files/{world.shared}/detach", headers=world.auth("staff_a"))
    worker.drain()
    dossier, transport = flaky(client, world, "client_1", ["lost", None, "lost"])

    asked = dossier.attach(world.shared, EMAILS["staff_b"])
    cancelled = dossier.cancel_attach_request(asked)

    assert len(set(transport.keys[:2])) == 1
    assert len(set(transport.keys[2:])) == 1
    assert transport.keys[0] != transport.keys[2]
    assert count(runtime, AttachRequestRow) == 1
    assert (cancelled.id, cancelled.status) == (asked.id, "withdrawn")


def test_the_async_client_exports_and_invites(runtime: Runtime, world: World) -> None:
    app = create_app(runtime, broker_check=lambda: None)

    async def story() -> tuple[str, str]:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        async with AsyncDossier(token=world.tokens["staff_a"], http=http, retry=QUICK) as dossier:
            export = await dossier.export(world.own, idempotency_key="export-1")
            again = await dossier.export(world.own, idempotency_key="export-1")
            assert again == export
            invited = await dossier.invite(world.own, "async@florist.test")
        return export.status, invited.status

    assert asyncio.run(story()) == ("pending", "pending")
    assert count(runtime, ExportBundle) == 1
