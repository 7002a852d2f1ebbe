"""`dossier schedule`: add, list, cancel and run-due, on the fixtures' SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from app.bootstrap import Runtime
from app.cli import cli
from app.domain.model import Action, FileStatus
from app.services import schedules
from tests.api.conftest import World
from tests.api.test_cli import same_database  # noqa: F401  (the commands use our database)

runner = CliRunner()
STAFF = "ann@alpha.test"


def test_add_list_and_cancel(world: World) -> None:
    at = (datetime.now(UTC) + timedelta(days=3)).isoformat()

    added = runner.invoke(
        cli, ["schedule", "add", str(world.own), "deactivate", "--at", at, "--as", STAFF]
    )
    schedule_id = added.output.strip()
    shown = runner.invoke(cli, ["schedule", "list", str(world.own), "--as", STAFF])
    cancelled = runner.invoke(
        cli, ["schedule", "cancel", str(world.own), schedule_id, "--as", STAFF]
    )

    assert added.exit_code == 0, added.output
    assert schedule_id in shown.output
    assert "scheduled" in shown.output
    assert cancelled.exit_code == 0
    assert "cancelled" in cancelled.output


def test_refusals_exit_1_with_the_reason(world: World) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()

    in_the_past = runner.invoke(
        cli, ["schedule", "add", str(world.own), "deactivate", "--at", past, "--as", STAFF]
    )
    not_schedulable = runner.invoke(
        cli, ["schedule", "add", str(world.own), "subscribe", "--at", future, "--as", STAFF]
    )
    by_a_client = runner.invoke(
        cli,
        ["schedule", "add", str(world.shared), "detach", "--at", future, "--as", "c1@bakery.test"],
    )

    assert in_the_past.exit_code == 1
    assert "in the future" in in_the_past.output
    assert not_schedulable.exit_code == 1
    assert "deactivate" in not_schedulable.output
    assert by_a_client.exit_code == 1
    assert "Only staff" in by_a_client.output


def test_run_due_runs_what_is_due_once(runtime: Runtime, world: World) -> None:
    now = datetime.now(UTC)
    schedules.schedule(
        runtime.uow(),
        client_file_id=world.own,
        actor_id=world.users["staff_a"],
        action=Action.DEACTIVATE,
        run_at=now - timedelta(hours=1),
        now=now - timedelta(days=1),  # asked for yesterday, due an hour ago
    )

    first = runner.invoke(cli, ["schedule", "run-due"])
    second = runner.invoke(cli, ["schedule", "run-due"])

    assert first.exit_code == 0
    assert first.output.startswith("1 done")
    assert second.output.startswith("0 done")
    with runtime.uow() as uow:
        client_file = uow.files.get(world.own)
        assert client_file is not None
        assert client_file.status is FileStatus.DEACTIVATED
