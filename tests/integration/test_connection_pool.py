"""Pooled PostgreSQL connections: one that died while idle in the pool (a server restart,
an idle timeout) is replaced before use, not handed to a request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.persistence import db
from tests.support import services


def test_a_connection_that_died_idle_in_the_pool_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with services.scratch_database() as url:
        engine = db.make_engine(url)
        try:
            with engine.connect() as connection:
                pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            # GIVEN the pooled connection's server process ended while it sat idle
            outside = sa.create_engine(url, poolclass=sa.NullPool)
            with outside.connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            outside.dispose()
            monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)

            # WHEN the pool hands out a connection again
            with engine.connect() as connection:
                # THEN it is a live one
                assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != pid
        finally:
            engine.dispose()
