"""Bulk actions over HTTP and from the command line."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.bootstrap import Runtime
from app.cli import cli
from tests.api.conftest import World
from tests.api.fakes import FakeDispatcher, FakeWorker
from tests.api.test_cli import same_database  # noqa: F401  (the commands use our database)
from tests.api.test_lifecycle import jobs_recorded

runner = CliRunner()


def post(
    client: TestClient, world: World, who: str, path: str, **body: Any
) -> tuple[int, dict[str, Any]]:
    response = client.post(f"/v1/bulk-actions{path}", json=body, headers=world.auth(who))
    return response.status_code, response.json()


def outcomes(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(item["outcome"], item["reason"]) for item in body["items"]]


def test_dry_run_then_run_then_the_jobs_finish(
    client: TestClient, world: World, worker: FakeWorker, runtime: Runtime
) -> None:
    ids = [str(world.shared), str(world.own), str(world.other)]
    before = jobs_recorded(runtime)

    dry_status, dry = post(
        client, world, "staff_a", "/dry-run", action="delete", client_file_ids=ids
    )
    after_dry_run = jobs_recorded(runtime)
    status, real = post(client, world, "staff_a", "", action="delete", client_file_ids=ids)
    worker.drain()

    assert dry_status == 200
    assert dry["dry_run"] is True
    assert outcomes(dry) == [
        ("refused", "has_client_users"),
        ("allowed", None),
        ("not_found", "not_found"),
    ]
    assert dry["summary"] == {"refused": 1, "allowed": 1, "not_found": 1}
    assert after_dry_run == before
    assert status == 202
    assert outcomes(real) == [
        ("refused", "has_client_users"),
        ("pending", None),
        ("not_found", "not_found"),
    ]
    job_id = real["items"][1]["job_id"]
    job = client.get(f"/v1/lifecycle-jobs/{job_id}", headers=world.auth("staff_a")).json()
    assert job["status"] == "done"
    gone = client.get(f"/v1/client-files/{world.own}", headers=world.auth("staff_a"))
    assert gone.status_code == 404


def test_a_client_user_is_refused_per_file(client: TestClient, world: World) -> None:
    status, body = post(
        client, world, "client_1", "/dry-run", action="detach", client_file_ids=[str(world.shared)]
    )
    assert status == 200
    assert outcomes(body) == [("refused", "practice_staff_only")]


@pytest.mark.parametrize(
    "body",
    [
        {"action": "subscribe", "client_file_ids": [str(uuid.uuid4())]},
        {"action": "deactivate", "client_file_ids": []},
        {"action": "deactivate", "client_file_ids": ["not-an-id"]},
        {"action": "deactivate", "client_file_ids": [str(uuid.uuid4())], "reprocess_skipped": True},
        {"action": "deactivate", "client_file_ids": [str(uuid.uuid4()) for _ in range(501)]},
    ],
)
def test_bad_bulk_requests_are_422(client: TestClient, world: World, body: dict[str, Any]) -> None:
    for path in ("/dry-run", ""):
        status, refused = post(client, world, "staff_a", path, **body)
        assert status == 422
        assert refused["error"]["code"] == "invalid_input"


def test_a_broker_outage_answers_503_and_leaves_no_pending_job(
    client: TestClient, world: World, runtime: Runtime, dispatcher: FakeDispatcher
) -> None:
    dispatcher.broken = True
    before = jobs_recorded(runtime)

    status, body = post(
        client, world, "staff_a", "", action="deactivate", client_file_ids=[str(world.own)]
    )

    assert (status, body["error"]["code"]) == (503, "unavailable")
    assert jobs_recorded(runtime) == before


def test_the_bulk_command_dry_run_and_run(world: World) -> None:
    ids = [str(world.own), str(world.shared)]

    dry = runner.invoke(cli, ["bulk", "delete", *ids, "--as", "ann@alpha.test", "--dry-run"])
    real = runner.invoke(cli, ["bulk", "deactivate", *ids, "--as", "ann@alpha.test"])
    again = runner.invoke(cli, ["bulk", "deactivate", *ids, "--as", "ann@alpha.test"])

    assert dry.exit_code == 1  # one file would refuse
    assert f"{world.own}  allowed" in dry.output
    assert f"{world.shared}  refused  has_client_users" in dry.output
    assert real.exit_code == 0, real.output
    assert "2 done" in real.output
    assert again.exit_code == 1
    assert "2 refused" in again.output
