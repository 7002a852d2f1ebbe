"""Real PostgreSQL and Redis for the integration and end-to-end tests.

Absent services skip the tests with a clear message, except when DOSSIER_REQUIRE_SERVICES=1
(as in CI), where absence is a failure."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

POSTGRES_ADMIN_URL = os.environ.get(
    "DOSSIER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("DOSSIER_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def services_required() -> bool:
    return os.environ.get("DOSSIER_REQUIRE_SERVICES") == "1"


def unavailable(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({error}); start it, or see README 'Tests'"
    if services_required():
        pytest.fail(f"DOSSIER_REQUIRE_SERVICES=1 but {message}", pytrace=False)
    pytest.skip(message)


def check_postgres() -> None:
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as error:
        unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL}", error)


def check_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:
        unavailable(f"Redis at {REDIS_URL}", error)


@contextmanager
def scratch_database(prefix: str = "dossier_test") -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_key_prefix(prefix: str = "dossier-test") -> Iterator[str]:
    """A Redis key prefix of our own, every key under it deleted afterwards."""
    key_prefix = f"{prefix}-{uuid.uuid4().hex[:12]}:"
    try:
        yield key_prefix
    finally:
        delete_keys(key_prefix)


def delete_keys(key_prefix: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{key_prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)
