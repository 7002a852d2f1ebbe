"""Engines and sessions for PostgreSQL (production) and SQLite (embedded default)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.config import ensure_directory

SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "dossier_returned_at"

T = TypeVar("T")


def make_engine(url: str, *, pool_size: int | None = None, **options: Any) -> Engine:
    """An engine with the settings each backend needs for Dossier's locking.

    `pool_size`: PostgreSQL connections kept open between uses. Past it the pool opens up
    to 10 more and closes each again when it is returned: a web process serving more
    requests at once than its pool holds would open a connection (a new server process)
    for most of them, which costs more than the upload itself."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if pool_size is not None:
            options.setdefault("pool_size", pool_size)
        engine = create_engine(url, **options)
        _ping_when_idle(engine)
        return engine
    if parsed.database and parsed.database != ":memory:":
        ensure_directory(Path(parsed.database).parent, "DOSSIER_DATABASE_URL")
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)
    _serialise_sqlite_writers(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection is alive before use, unless it was in use a moment ago.

    Pinging before every use (`pool_pre_ping`) cost one round trip to PostgreSQL per
    transaction, a tenth of an upload's. A connection returned to the pool less than
    PING_AFTER_IDLE_SECONDS ago was working then; one idle for longer (the server may have
    restarted or dropped it meanwhile) is pinged, and replaced if it is dead.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is not None and time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and hands out a fresh one.
            raise DisconnectionError("a pooled connection was dead") from error


def _serialise_sqlite_writers(engine: Engine) -> None:
    """SQLite has no row locks: every transaction takes the database write lock at BEGIN.

    That is the SQLite equivalent of `SELECT ... FOR UPDATE` on the client-file row, and
    stronger: a gate decision and a lifecycle change can never interleave.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def insert_or_get(session: Session, row: T, existing: Callable[[], T | None]) -> tuple[T, bool]:
    """Insert `row`, or return the row a concurrent transaction inserted under the same
    unique key: (row, True) when this call inserted it, (the other, False) when not.

    The unique constraint decides, not a look-up before the insert (two transactions both
    find nothing, then both insert). A savepoint keeps the caller's transaction usable
    after the conflict; PostgreSQL raises it only once the other transaction committed,
    so `existing()` then sees its row. An integrity error that was not this conflict
    (nothing found afterwards, e.g. a foreign key) is raised as it came.
    """
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found, False
    return row, True
