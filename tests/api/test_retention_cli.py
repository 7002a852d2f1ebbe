"""`dossier lifecycle hold|release-hold|cancel-deletion` on the fixtures' SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from app.cli import cli
from tests.api.conftest import World
from tests.api.test_cli import same_database  # noqa: F401  (the commands use our database)

runner = CliRunner()
STAFF = "ann@alpha.test"


def test_a_hold_refuses_the_delete_command_until_released(world: World) -> None:
    until = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    file_id = str(world.own)

    held = runner.invoke(
        cli,
        ["lifecycle", "hold", file_id, "--reason", "tax audit", "--until", until, "--as", STAFF],
    )
    refused = runner.invoke(cli, ["lifecycle", "delete", file_id, "--as", STAFF])
    released = runner.invoke(cli, ["lifecycle", "release-hold", file_id, "--as", STAFF])
    deleted = runner.invoke(cli, ["lifecycle", "delete", file_id, "--as", STAFF])

    assert held.exit_code == 0, held.output
    assert "tax audit" in held.output
    assert refused.exit_code == 1
    assert "retention hold" in refused.output
    assert "no retention hold" in released.output
    assert deleted.exit_code == 0, deleted.output


def test_cancel_deletion_of_a_file_not_being_deleted_exits_1(world: World) -> None:
    result = runner.invoke(cli, ["lifecycle", "cancel-deletion", str(world.own), "--as", STAFF])

    assert result.exit_code == 1
    assert "not being deleted" in result.output
