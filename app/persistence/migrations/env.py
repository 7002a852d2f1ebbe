"""Alembic environment: runs Dossier's migrations on PostgreSQL and SQLite."""

from __future__ import annotations

from alembic import context

from app.persistence import (
    auth,  # noqa: F401  (registers the API tables on Base)
    consent,  # noqa: F401  (invitations and attach requests)
    exports,  # noqa: F401  (the export bundles)
    idempotency,  # noqa: F401  (the idempotency keys)
    mail,  # noqa: F401  (the mail outbox)
    schedules,  # noqa: F401  (and the scheduled actions)
    sign_in_links,  # noqa: F401  (the console's e-mail sign-in links)
    webhooks,  # noqa: F401  (the webhook deliveries)
)
from app.persistence.db import make_engine
from app.persistence.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things in place
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Dossier migrations run online only: use `dossier db upgrade`.")
run_migrations_online()
