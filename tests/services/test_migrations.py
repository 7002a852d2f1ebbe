"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

import app.persistence
from app.persistence.db import make_engine
from app.persistence.migrate import downgrade, upgrade
from app.persistence.models import Base


def _register_every_model() -> None:
    # Models may live in several modules of app.persistence; each must be imported for
    # its tables to be on Base.metadata, as the migration environment does.
    for module in pkgutil.iter_modules(app.persistence.__path__):
        if module.name != "migrations":
            importlib.import_module(f"app.persistence.{module.name}")


def test_the_migrations_match_the_models(db: Engine) -> None:
    _register_every_model()

    with db.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_every_model_table_exists_after_upgrade(db: Engine) -> None:
    _register_every_model()

    tables = set(inspect(db).get_table_names())

    assert set(Base.metadata.tables) <= tables


def test_upgrade_is_repeatable_and_downgrade_empties_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    upgrade(url)  # already at head: nothing to do, nothing breaks

    downgrade(url, "base")

    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
