"""API tokens: only their hash is stored; the migration builds exactly the mapped tables."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from app.bootstrap import Runtime
from app.persistence import migrate
from app.persistence.auth import ApiToken, token_hash
from app.persistence.models import Base
from app.services import tokens
from tests.api.conftest import World


def test_a_token_is_stored_only_as_its_hash(runtime: Runtime, world: World) -> None:
    issued = tokens.issue(runtime.uow(), world.users["client_1"], "phone")

    with runtime.uow() as uow:
        stored = uow.session.scalars(select(ApiToken.token_hash)).all()

    assert issued.secret not in stored
    assert token_hash(issued.secret) in stored


def test_a_token_resolves_to_its_user_with_current_access(runtime: Runtime, world: World) -> None:
    actor = tokens.actor_for(runtime.uow(), world.tokens["client_1"])

    assert actor is not None
    assert actor.user_id == world.users["client_1"]
    assert actor.client_file_ids == frozenset({world.shared})


def test_garbage_is_no_token(runtime: Runtime, world: World) -> None:
    assert tokens.actor_for(runtime.uow(), "") is None
    assert tokens.actor_for(runtime.uow(), world.tokens["client_1"] + "x") is None
    assert tokens.actor_for(runtime.uow(), "dos_" + "a" * 500) is None


def test_the_migrations_build_the_mapped_schema_and_go_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []

    migrate.downgrade(url, "0001")

    assert "api_tokens" not in inspect(engine).get_table_names()
    engine.dispose()
