"""The operator commands, on a SQLite file in tmp_path and a dispatcher that keeps messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.bootstrap import Runtime, build_runtime
from app.cli import cli, support
from app.config import Settings, get_settings
from app.services import tokens
from tests.api.conftest import PDF, World, blob_count, document_count, text_bytes
from tests.api.fakes import FakeDispatcher

runner = CliRunner()


@pytest.fixture(autouse=True)
def same_database(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, dispatcher: FakeDispatcher
) -> Iterator[None]:
    """The commands read the settings the fixtures use, and send to the fake broker."""
    monkeypatch.setenv("DOSSIER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DOSSIER_STORAGE_DIR", str(settings.storage_dir))
    monkeypatch.setenv("DOSSIER_MAX_UPLOAD_BYTES", str(settings.max_upload_bytes))
    get_settings.cache_clear()
    monkeypatch.setattr(
        support, "runtime", lambda *, messages: build_runtime(get_settings(), dispatcher)
    )
    yield
    get_settings.cache_clear()


def test_bootstrap_migrates_and_prints_a_working_token(settings: Settings) -> None:
    result = runner.invoke(cli, ["admin", "bootstrap", "--email", "owner@firm.test"])
    runtime = build_runtime(settings, FakeDispatcher())

    assert result.exit_code == 0, result.output
    exports = dict(re.findall(r"export (DOSSIER_\w+)=(\S+)", result.output))
    assert set(exports) == {"DOSSIER_PRACTICE", "DOSSIER_USER", "DOSSIER_FILE", "DOSSIER_TOKEN"}
    actor = tokens.actor_for(runtime.uow(), exports["DOSSIER_TOKEN"])
    assert actor is not None
    assert str(actor.user_id) == exports["DOSSIER_USER"]
    runtime.close()


def test_the_admin_commands_build_the_same_thing_step_by_step(runtime: Runtime) -> None:
    practice = runner.invoke(cli, ["admin", "practice", "Firm"]).output.strip()
    staff = runner.invoke(
        cli, ["admin", "staff", "--practice", practice, "--email", "a@f.test", "--name", "A"]
    )
    created = runner.invoke(cli, ["admin", "client-file", "--practice", practice, "Shop"])
    token = runner.invoke(cli, ["admin", "token", "--email", "a@f.test"])

    assert [staff.exit_code, created.exit_code, token.exit_code] == [0, 0, 0]
    actor = tokens.actor_for(runtime.uow(), token.output.strip())
    assert actor is not None
    assert str(actor.practice_id) == practice


def test_a_token_for_an_unknown_person_is_refused(runtime: Runtime) -> None:
    result = runner.invoke(cli, ["admin", "token", "--email", "nobody@x.test"])
    assert result.exit_code == 1
    assert "No user" in result.output


def test_bulk_upload_counts_new_duplicate_and_refused(
    tmp_path: Path, runtime: Runtime, world: World
) -> None:
    paths = []
    for name, data in [("a.txt", text_bytes("a")), ("b.txt", text_bytes("a")), ("c.bin", b"\0")]:
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))

    result = runner.invoke(
        cli, ["upload", str(world.own), *paths, "--as", "ann@alpha.test"], catch_exceptions=False
    )

    assert result.exit_code == 1
    assert "1 new, 1 duplicate, 1 refused" in result.output
    assert document_count(runtime, world.own) == 1


def test_lifecycle_delete_reports_its_counts(runtime: Runtime, world: World) -> None:
    for n in range(3):
        path = Path(runtime.settings.storage_dir).parent / f"doc{n}.pdf"
        path.write_bytes(PDF + str(n).encode())
        runner.invoke(cli, ["upload", str(world.own), str(path), "--as", "ann@alpha.test"])

    result = runner.invoke(cli, ["lifecycle", "delete", str(world.own), "--as", "ann@alpha.test"])

    assert result.exit_code == 0, result.output
    assert "documents_deleted: 3" in result.output
    assert document_count(runtime, world.own) == blob_count(runtime, world.own) == 0


def test_a_refused_change_exits_1_with_the_reason(world: World) -> None:
    args = ["lifecycle", "reactivate", str(world.shared), "--as", "ann@alpha.test"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "not deactivated" in result.output


def test_a_job_can_be_shown(world: World) -> None:
    done = runner.invoke(
        cli, ["lifecycle", "deactivate", str(world.shared), "--as", "ann@alpha.test"]
    )
    job_id = re.search(r"job (\S+): done", done.output)
    assert job_id is not None, done.output

    shown = runner.invoke(cli, ["lifecycle", "job", job_id.group(1)])

    assert shown.exit_code == 0
    assert f"deactivate of client file {world.shared}" in shown.output


@pytest.mark.parametrize(
    "command",
    [
        ["admin"],
        ["admin", "bootstrap"],
        ["admin", "token"],
        ["upload"],
        ["serve"],
        ["lifecycle"],
        ["lifecycle", "delete"],
        ["lifecycle", "reactivate"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_resend_pending_sends_nothing_when_every_job_was_picked_up(world: World) -> None:
    result = runner.invoke(cli, ["lifecycle", "resend-pending", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    assert "0 job(s) sent again" in result.output
