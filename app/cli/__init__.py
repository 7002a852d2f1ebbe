"""The `dossier` command. This module builds it: it imports each command module and adds its
commands; the command modules import `app.cli.support`, never this module back.

Each module is one family of commands: `admin`, `lifecycle` (with `retention`'s holds and
`retries`' job list), `upload`, `bulk`, `exports`, `schedules`, `retries` (`documents`),
`people` (`tokens`, `staff`), `audit`, `webhooks`, `outbox`, `extract`, `db`, `embedded`,
`serve` and `demo`."""

from __future__ import annotations

import typer

from app.cli import (
    admin,
    audit,
    bulk,
    db,
    demo,
    embedded,
    exports,
    extract,
    lifecycle,
    outbox,
    people,
    retention,
    retries,
    schedules,
    serve,
    upload,
    webhooks,
)
from app.cli.support import DossierGroup

cli = typer.Typer(
    help="Dossier: receipt and invoice extraction for accounting practices.",
    cls=DossierGroup,
    # Plain help, wrapped at the terminal's width: Rich's tables cut it at 80 columns.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
cli.add_typer(db.db, name="db")
cli.add_typer(embedded.embedded_cli, name="embedded")
retention.register(lifecycle.lifecycle_cli)
retries.register(cli, lifecycle.lifecycle_cli)
cli.add_typer(admin.admin, name="admin")
cli.add_typer(lifecycle.lifecycle_cli, name="lifecycle")
cli.add_typer(schedules.schedule_cli, name="schedule")
cli.add_typer(webhooks.webhooks_cli, name="webhooks")
cli.add_typer(outbox.outbox_cli, name="outbox")
cli.add_typer(people.tokens_cli, name="tokens")
people.staff_cli.command("log")(audit.practice_log)
cli.add_typer(people.staff_cli, name="staff")
cli.command("audit")(audit.audit)
cli.command("bulk")(bulk.bulk_command)
cli.command("export")(exports.export_command)
cli.command("upload")(upload.upload)
cli.command("serve")(serve.serve)
cli.command("extract")(extract.extract_command)
cli.command("demo")(demo.demo)


def main() -> None:
    cli()
