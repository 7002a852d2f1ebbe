"""`dossier tokens`, `dossier staff`, `dossier admin disable` and `dossier audit`: the
same services and rules as the API, from the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from app.bootstrap import Runtime
from app.cli import cli
from app.services import tokens
from tests.api.conftest import World
from tests.api.staffing import add_people
from tests.api.test_cli import same_database  # noqa: F401  (the commands' database)

runner = CliRunner()


def test_a_user_creates_lists_and_revokes_their_tokens(runtime: Runtime, world: World) -> None:
    created = runner.invoke(cli, ["tokens", "create", "--as", "ann@alpha.test", "--name", "ci"])
    secret = created.stdout.strip().splitlines()[0]
    listed = runner.invoke(cli, ["tokens", "list", "--as", "ann@alpha.test"])
    line = next(row for row in listed.stdout.splitlines() if "  ci  " in row)
    token_id = line.split()[0]

    revoked = runner.invoke(cli, ["tokens", "revoke", token_id, "--as", "ann@alpha.test"])
    again = runner.invoke(cli, ["tokens", "revoke", token_id, "--as", "ann@alpha.test"])

    assert created.exit_code == 0, created.output
    assert secret not in listed.stdout
    assert secret[:12] in line
    assert revoked.exit_code == 0
    assert again.exit_code == 1
    assert tokens.actor_for(runtime.uow(), secret) is None


def test_an_admin_adds_staff_and_the_operator_disables_a_user(
    runtime: Runtime, world: World
) -> None:
    add_people(runtime, world)
    added = runner.invoke(
        cli,
        ["staff", "add", "--as", "ada@alpha.test", "--email", "new@alpha.test", "--name", "N"],
    )
    refused = runner.invoke(
        cli, ["staff", "add", "--as", "ann@alpha.test", "--email", "x@alpha.test", "--name", "X"]
    )
    first_token = added.stdout.strip().splitlines()[1]

    disabled = runner.invoke(cli, ["admin", "disable", "--email", "new@alpha.test"])

    assert added.exit_code == 0, added.output
    assert refused.exit_code == 1
    assert disabled.exit_code == 0
    assert tokens.actor_for(runtime.uow(), first_token) is None
    listed = runner.invoke(cli, ["staff", "list", "--as", "ada@alpha.test"])
    assert any("new@alpha.test" in row and "disabled" in row for row in listed.stdout.splitlines())


def test_the_audit_command_reads_what_that_user_may_read_in_pages(world: World) -> None:
    staff_a = runner.invoke(cli, ["audit", "--as", "ann@alpha.test"])
    client_2 = runner.invoke(cli, ["audit", "--as", "c2@garage.test"])
    first_page = runner.invoke(cli, ["audit", "--as", "ann@alpha.test", "--limit", "1"])
    bad = runner.invoke(cli, ["audit", "--as", "ann@alpha.test", "--cursor", "nonsense"])

    assert staff_a.exit_code == 0, staff_a.output
    assert str(world.shared) in staff_a.stdout
    assert str(world.other) not in staff_a.stdout
    assert str(world.shared) not in client_2.stdout
    assert "invite_client_user" in client_2.stdout
    assert "next page: --cursor" not in staff_a.stdout
    assert first_page.stdout.count("invite_client_user") == 1
    assert bad.exit_code == 1


def test_the_practice_log_is_read_by_its_admins_in_pages(runtime: Runtime, world: World) -> None:
    people = add_people(runtime, world)
    runner.invoke(
        cli,
        ["staff", "add", "--as", "ada@alpha.test", "--email", "new@alpha.test", "--name", "N"],
    )

    whole = runner.invoke(cli, ["staff", "log", "--as", "ada@alpha.test"])
    added = runner.invoke(
        cli, ["staff", "log", "--as", "ada@alpha.test", "--action", "staff_added"]
    )
    first_page = runner.invoke(cli, ["staff", "log", "--as", "ada@alpha.test", "--limit", "1"])
    other_practice = runner.invoke(cli, ["staff", "log", "--as", "bea@beta.test"])
    not_admin = runner.invoke(cli, ["staff", "log", "--as", "ann@alpha.test"])

    assert whole.exit_code == 0, whole.output
    assert "staff_added" in whole.stdout
    assert "staff_disabled" in whole.stdout
    assert str(people.disabled_a) in whole.stdout
    assert "next page: --cursor" not in whole.stdout
    assert "staff_disabled" not in added.stdout
    assert "staff_added" in added.stdout
    assert "next page: --cursor" in first_page.stdout
    assert str(people.disabled_a) not in other_practice.stdout
    assert (not_admin.exit_code, "Traceback" in not_admin.output) == (1, False)
    assert "Only an admin of the practice" in not_admin.output
