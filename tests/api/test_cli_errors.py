"""The CLI on unknown ids and refusals: one clear line, a non-zero exit, no traceback;
times with offsets kept as the same instant; help texts whole, not cut at 80 columns."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.bootstrap import Runtime
from app.cli import cli
from app.config import get_settings
from app.persistence.exports import ExportBundle
from tests.api.conftest import World
from tests.api.test_cli import same_database  # noqa: F401  (the commands use our database)

runner = CliRunner()
STAFF = "ann@alpha.test"
UNKNOWN = str(uuid.uuid4())


@pytest.mark.parametrize(
    "args",
    [
        ["lifecycle", "deactivate", UNKNOWN, "--as", STAFF],
        ["lifecycle", "reactivate", UNKNOWN, "--as", STAFF],
        ["lifecycle", "detach", UNKNOWN, "--as", STAFF],
        ["lifecycle", "delete", UNKNOWN, "--as", STAFF],
        [
            "lifecycle",
            "hold",
            UNKNOWN,
            "--reason",
            "x",
            "--until",
            "2030-01-01T00:00Z",
            "--as",
            STAFF,
        ],
        ["schedule", "list", UNKNOWN, "--as", STAFF],
        ["export", UNKNOWN, "--as", STAFF, "--out", "unused.zip"],
        ["upload", UNKNOWN, "pyproject.toml", "--as", STAFF],
        ["lifecycle", "job", UNKNOWN],
    ],
)
def test_an_unknown_id_is_one_line_and_exit_1(world: World, args: list[str]) -> None:
    result = runner.invoke(cli, args)

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_a_refused_deletion_shows_no_progress_bar(world: World) -> None:
    # The shared file has a client user: deleting it is refused before anything runs.
    result = runner.invoke(cli, ["lifecycle", "delete", str(world.shared), "--as", STAFF])

    assert result.exit_code == 1
    assert "Deleting documents" not in result.output
    assert "100%" not in result.output


@pytest.mark.parametrize(
    ("args", "instant"),
    [
        (["schedule", "add", "{file}", "deactivate", "--at", "2030-03-01T18:00+01:00"], "run_at"),
        (
            [
                "lifecycle",
                "hold",
                "{file}",
                "--reason",
                "audit",
                "--until",
                "2030-03-01T23:00+05:00",
            ],
            "until",
        ),
    ],
)
def test_times_with_offsets_keep_their_instant(
    runtime: Runtime, world: World, args: list[str], instant: str
) -> None:
    args = [arg.format(file=world.own) for arg in args]
    result = runner.invoke(cli, [*args, "--as", STAFF])

    with runtime.uow() as uow:
        if instant == "until":
            client_file = uow.files.get(world.own)
            assert client_file is not None
            stored = client_file.hold_until
            expected = datetime(2030, 3, 1, 18, tzinfo=UTC)
        else:
            from app.persistence.schedules import ScheduledActions

            [schedule] = ScheduledActions(uow.session).for_file(world.own)
            stored, expected = schedule.run_at, datetime(2030, 3, 1, 17, tzinfo=UTC)

    assert result.exit_code == 0, result.output
    assert stored == expected


@pytest.mark.parametrize("until", ["2030-03-01T23:00", "9999-12-31T23:59:59-12:00", "soon"])
def test_a_time_without_offset_or_out_of_bounds_is_one_line(world: World, until: str) -> None:
    args = ["lifecycle", "hold", str(world.own), "--reason", "x", "--until", until, "--as", STAFF]

    result = runner.invoke(cli, args)

    assert result.exit_code != 0
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("command", "text"),
    [
        (["schedule", "add"], "2027-03-01T08:00+01:00"),
        (["schedule", "add"], "--no-reprocess-skipped"),
        (
            ["lifecycle", "resend-pending"],
            "Minutes a requested job may wait before it is sent again.",
        ),
    ],
)
def test_help_texts_are_whole(command: list[str], text: str) -> None:
    result = runner.invoke(cli, [*command, "--help"])

    assert result.exit_code == 0
    assert "…" not in result.output
    assert text in " ".join(result.output.split())


def test_db_repair_reports_what_it_changed(runtime: Runtime, world: World) -> None:
    from sqlalchemy import text

    with runtime.db.begin() as connection:
        connection.execute(
            text("UPDATE client_files SET hold_until = '9999-12-31 23:59:59.000000'")
        )

    result = runner.invoke(cli, ["db", "repair"])

    assert result.exit_code == 0, result.output
    assert "client_files.hold_until: 3 row(s) brought within bounds" in result.output


def test_an_export_to_a_missing_directory_is_one_line_and_makes_no_export(
    runtime: Runtime, world: World, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-directory" / "bundle.zip"

    result = runner.invoke(cli, ["export", str(world.own), "--as", STAFF, "--out", str(out)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "no-such-directory" in result.output
    with runtime.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ExportBundle)) == 0


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "--as", STAFF, "--limit", "0"],
        ["outbox", "--limit", "-1"],
        ["webhooks", "log", "--limit", "0"],
    ],
)
def test_a_limit_below_one_is_refused(world: World, args: list[str]) -> None:
    result = runner.invoke(cli, args)

    assert result.exit_code == 2, result.output
    assert "--limit" in result.output


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DOSSIER_MAX_UPLOAD_BYTES", "-5"), ("DOSSIER_TOKEN_DEFAULT_DAYS", "400")],
)
def test_a_bad_setting_is_named_in_one_message_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, world: World, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()

    result = runner.invoke(cli, ["lifecycle", "jobs", str(world.own), "--as", STAFF])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert variable in result.output


def test_an_unreachable_database_is_one_message_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOSSIER_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/x")
    get_settings.cache_clear()

    result = runner.invoke(cli, ["db", "upgrade"])

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "DOSSIER_DATABASE_URL" in result.output
    assert "127.0.0.1:1" in result.output
    assert "secret" not in result.output


@pytest.mark.parametrize("args", [["--port", "99999"], ["--port", "0"], ["--concurrency", "0"]])
def test_serve_refuses_a_port_or_concurrency_out_of_range(args: list[str], tmp_path: Path) -> None:
    # An empty --state: were the range let through, serve would stop there, starting nothing.
    result = runner.invoke(cli, ["serve", *args, "--state", str(tmp_path)])

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
