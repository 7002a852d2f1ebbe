"""Export bundles over HTTP and from the command line."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.bootstrap import Runtime
from app.cli import cli
from app.services import exports, messages
from tests.api.conftest import World, text_bytes, upload
from tests.api.fakes import FakeDispatcher
from tests.api.test_cli import same_database  # noqa: F401  (the commands use our database)

runner = CliRunner()


def call(client: TestClient, world: World, who: str, method: str, path: str) -> Any:
    return client.request(method, f"/v1/client-files/{path}", headers=world.auth(who))


def test_request_follow_and_download(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    for label in ("a", "b"):
        upload(client, world, "staff_a", world.own, text_bytes(label))
    dispatcher.sent.clear()

    asked = call(client, world, "staff_a", "POST", f"{world.own}/exports")
    export_id = asked.json()["id"]
    early = call(client, world, "staff_a", "GET", f"{world.own}/exports/{export_id}/download")
    [message] = [m for m in dispatcher.sent if m.name == messages.EXPORT]
    exports.build(runtime.uow(), runtime.blobs, uuid.UUID(message.payload["export_id"]))
    shown = call(client, world, "staff_a", "GET", f"{world.own}/exports/{export_id}").json()
    listed = call(client, world, "staff_a", "GET", f"{world.own}/exports").json()
    zipped = call(client, world, "staff_a", "GET", f"{world.own}/exports/{export_id}/download")

    assert (asked.status_code, asked.json()["status"]) == (202, "pending")
    assert (early.status_code, early.json()["error"]["reason"]) == (409, "export_not_ready")
    assert (shown["status"], shown["documents_done"], shown["documents_total"]) == ("ready", 2, 2)
    assert [item["id"] for item in listed["items"]] == [export_id]
    assert zipped.status_code == 200
    assert zipped.headers["content-type"] == "application/zip"
    assert hashlib.sha256(zipped.content).hexdigest() == shown["sha256"]
    bundle = zipfile.ZipFile(io.BytesIO(zipped.content))
    documents = json.loads(bundle.read("manifest.json"))["documents"]
    assert len(documents) == 2


def test_who_may_export(client: TestClient, world: World) -> None:
    by_client = call(client, world, "client_1", "POST", f"{world.shared}/exports")
    stranger = call(client, world, "staff_b", "POST", f"{world.shared}/exports")
    unknown = call(client, world, "staff_a", "GET", f"{world.own}/exports/{uuid.uuid4()}")

    assert (by_client.status_code, by_client.json()["error"]["reason"]) == (
        409,
        "practice_staff_only",
    )
    assert stranger.status_code == 404
    assert unknown.status_code == 404


def test_the_export_command_writes_the_zip(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    upload(client, world, "staff_a", world.own, text_bytes("cli"))
    out = tmp_path / "export.zip"

    result = runner.invoke(
        cli, ["export", str(world.own), "--as", "ann@alpha.test", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert "1 documents" in result.output
    names = zipfile.ZipFile(out).namelist()
    assert "manifest.json" in names
    assert sum(1 for name in names if name.startswith("documents/")) == 1
