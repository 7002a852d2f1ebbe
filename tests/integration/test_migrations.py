"""The Alembic migrations build the models' schema on PostgreSQL too, and downgrade."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import app.persistence
from app.persistence.db import make_engine
from app.persistence.migrate import downgrade, upgrade
from app.persistence.models import Base
from tests.support import services

pytestmark = pytest.mark.integration


def test_postgres_schema_matches_the_models_and_downgrades_to_nothing() -> None:
    for module in pkgutil.iter_modules(app.persistence.__path__):
        if module.name != "migrations":
            importlib.import_module(f"app.persistence.{module.name}")
    with services.scratch_database() as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, Base.metadata) == []
            downgrade(url, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        finally:
            engine.dispose()
