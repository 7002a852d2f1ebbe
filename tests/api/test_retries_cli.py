"""`dossier documents retry|resend` and `dossier lifecycle jobs`, through the same services
as the API, on the CLI tests' database and fake broker."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.bootstrap import Runtime
from app.cli import cli
from app.services import messages
from tests.api.conftest import World, text_bytes
from tests.api.fakes import FakeDispatcher, FakeWorker
from tests.api.test_cli import same_database  # noqa: F401  (the CLI on the tests' database)
from tests.api.test_retries import failed_document

runner = CliRunner()


def test_retry_resend_and_jobs_from_the_command_line(
    client: TestClient,
    world: World,
    runtime: Runtime,
    worker: FakeWorker,
    dispatcher: FakeDispatcher,
) -> None:
    first = failed_document(client, world, runtime, worker, text_bytes("cli-1"))
    failed_document(client, world, runtime, worker, text_bytes("cli-2"))
    dispatcher.sent.clear()
    as_ann = ["--as", "ann@alpha.test"]

    retried = runner.invoke(cli, ["documents", "retry", first, *as_ann])
    preview = runner.invoke(cli, ["documents", "resend", str(world.own), "--dry-run", *as_ann])
    resent = runner.invoke(cli, ["documents", "resend", str(world.own), *as_ann])
    jobs = runner.invoke(cli, ["lifecycle", "jobs", str(world.own), *as_ann])

    assert retried.exit_code == 0, retried.output
    assert "documents_resent: 1" in retried.output
    assert "1 failed document(s) would be sent again" in preview.output
    assert "documents_resent: 1" in resent.output
    assert [m.name for m in dispatcher.sent] == [messages.GATE, messages.GATE]
    assert jobs.exit_code == 0, jobs.output
    lines = jobs.output.splitlines()
    assert " resend done" in lines[0]
    assert " retry done" in lines[1]
    assert lines[-1] == "2 of 2 job(s)"


def test_a_refused_retry_exits_1_and_says_why(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    document_id = failed_document(client, world, runtime, worker, text_bytes("cli-3"))
    client.post(f"/v1/client-files/{world.own}/deactivate", headers=world.auth("staff_a"))
    worker.drain()

    result = runner.invoke(cli, ["documents", "retry", document_id, "--as", "ann@alpha.test"])

    assert result.exit_code == 1
    assert "reactivate it before sending documents again" in result.output
