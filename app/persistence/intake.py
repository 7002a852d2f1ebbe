"""The statements of the upload path, the busiest in Dossier: built once and run on the
unit of work's connection, so an upload pays neither for building and caching them again
nor for the ORM's identity map and change tracking (nothing here is changed afterwards).

On PostgreSQL they are also compiled once per process and handed to the driver as they
are: SQLAlchemy's execution (parameters processed, a result object built, events) cost
more CPU than the driver's own work for these three statements. The driver prepares them
on the server after a few uses. With statement events listened to (tracing), they go
through SQLAlchemy, so that they are seen."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Dialect,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from app.domain.model import DocumentStatus, FileStatus, Role
from app.persistence.auth import ApiToken, TokenOwner
from app.persistence.models import Base, ClientFile, ClientFileUser, Document, User


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


_tokens, _users, _files = _table(ApiToken), _table(User), _table(ClientFile)
_granted = _table(ClientFileUser)

# The token's owner (as `ApiTokens.owner_for` finds it) and the file it uploads to, with
# the owner's grant to it as a client user: one statement instead of three.
_ADMISSION = (
    select(
        _tokens.c.id,
        _tokens.c.last_used_at,
        _users.c.id,
        _users.c.role,
        _users.c.practice_id,
        _users.c.is_admin,
        _files.c.id,
        _files.c.practice_id,
        _files.c.status,
        exists()
        .where(
            _granted.c.user_id == _users.c.id,
            _granted.c.client_file_id == bindparam("file_id"),
        )
        .label("granted"),
    )
    .join(_users, _users.c.id == _tokens.c.user_id)
    .outerjoin(_files, _files.c.id == bindparam("file_id"))
    .where(
        _tokens.c.token_hash == bindparam("digest"),
        _tokens.c.revoked_at.is_(None),
        or_(_tokens.c.expires_at.is_(None), _tokens.c.expires_at > bindparam("now")),
        _users.c.disabled_at.is_(None),
    )
)

_FILE = select(_files.c.id, _files.c.practice_id, _files.c.status)
_BY_ID = _FILE.where(_files.c.id == bindparam("file_id"))
_LOCK_SHARED = _FILE.with_for_update(read=True)


_documents = _table(Document)
# A new upload's row: every column but those a pending document leaves empty.
COLUMNS = (
    "id", "client_file_id", "filename", "content_type", "size_bytes", "sha256", "blob_key",
    "status", "task_id", "attempts", "uploaded_by", "created_at", "updated_at",
)  # fmt: skip
_UNIQUE = ["client_file_id", "sha256"]
_ADD_DOCUMENT = (
    sqlite.insert(_documents)
    .on_conflict_do_nothing(index_elements=_UNIQUE)
    .returning(_documents.c.id)
)
_TWIN = select(_documents.c.id, _documents.c.status).where(
    _documents.c.client_file_id == bindparam("client_file_id"),
    _documents.c.sha256 == bindparam("sha256"),
)


def _add_to_locked_file() -> Select[Any]:
    """PostgreSQL's upload in one statement: the file locked `FOR SHARE`, the document
    inserted only if the file may take it (the rule of `Intake.add_document`) and its
    bytes are new to it, and the file as locked, with whether the row went in."""
    locked = _LOCK_SHARED.where(_files.c.id == bindparam("client_file_id")).cte("locked")
    row = select(*(bindparam(name, type_=_documents.c[name].type) for name in COLUMNS))
    may_add = and_(
        locked.c.status != FileStatus.DELETING,
        or_(
            bindparam("granted", type_=Boolean),
            locked.c.practice_id == bindparam("practice_id", type_=_files.c.practice_id.type),
        ),
    )
    added = (
        postgresql.insert(_documents)
        .from_select(list(COLUMNS), row.select_from(locked).where(may_add))
        .on_conflict_do_nothing(index_elements=_UNIQUE)
        .returning(_documents.c.id)
        .cte("added")
    )
    inserted = select(func.count()).select_from(added).scalar_subquery()
    return select(locked.c.id, locked.c.practice_id, locked.c.status, inserted)


_ADD_TO_LOCKED_FILE = _add_to_locked_file()


@dataclass(frozen=True, slots=True)
class FileSeen:
    """A client file as an upload sees it: whose it is and whether it is being deleted,
    and whether the uploading user is one of its client users."""

    id: uuid.UUID
    practice_id: uuid.UUID | None
    status: FileStatus
    granted: bool = False


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement as the driver takes it: its text, and the values it binds itself."""

    text: str
    fixed: dict[str, Any]


# Per process and dialect, built on first use; the statements never change.
_COMPILED: dict[tuple[int, type[Dialect]], _Compiled] = {}


def _driver_value(value: Any) -> Any:
    # What SQLAlchemy's types would bind: enums by value, datetimes in UTC (UTCDateTime).
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def _compiled(statement: Select[Any], dialect: Dialect) -> _Compiled:
    key = (id(statement), type(dialect))
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        fixed = {
            name: _driver_value(value)
            for name, value in compiled.params.items()
            if value is not None
        }
        found = _COMPILED[key] = _Compiled(compiled.string, fixed)
    return found


class Intake:
    """The upload path's statements, on the connection `connection` gives (the session's,
    or the unit of work's own in autocommit)."""

    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._connection = connection

    def _row(self, statement: Select[Any], params: dict[str, Any]) -> Any:
        """The statement's only row, or None."""
        connection = self._connection()
        if connection.dialect.name != "postgresql" or connection.dispatch.before_cursor_execute:
            return connection.execute(statement, params).one_or_none()
        compiled = _compiled(statement, connection.dialect)
        values = {**compiled.fixed, **{name: _driver_value(v) for name, v in params.items()}}
        driver = connection.connection.driver_connection
        assert driver is not None
        try:
            return driver.execute(compiled.text, values).fetchone()
        except connection.dialect.loaded_dbapi.Error as error:
            # As SQLAlchemy would raise it; a connection found dead leaves the pool.
            dead = connection.dialect.is_disconnect(error, driver, None)
            if dead:
                connection.invalidate(error)
            raise DBAPIError.instance(
                compiled.text,
                values,
                error,
                connection.dialect.loaded_dbapi.Error,
                connection_invalidated=dead,
                dialect=connection.dialect,
            ) from error

    def admission(
        self, digest: str, now: datetime, file_id: uuid.UUID
    ) -> tuple[TokenOwner, FileSeen | None] | None:
        """The usable token with this hash and its owner, under the same conditions as
        `ApiTokens.owner_for`, with the file (None: no such file); None: no such token."""
        row = self._row(_ADMISSION, {"digest": digest, "now": now, "file_id": file_id})
        if row is None:
            return None
        token_id, last_used_at, user_id, role, practice_id, is_admin = row[:6]
        owner = TokenOwner(
            token_id, _utc(last_used_at), user_id, Role(role), practice_id, bool(is_admin)
        )
        if row[6] is None:
            return owner, None
        return owner, FileSeen(row[6], row[7], FileStatus(row[8]), bool(row[9]))

    def file(self, file_id: uuid.UUID) -> FileSeen | None:
        row = self._row(_BY_ID, {"file_id": file_id})
        return FileSeen(row[0], row[1], FileStatus(row[2])) if row is not None else None

    def add_document(
        self, values: dict[str, Any], *, practice_id: uuid.UUID | None, granted: bool
    ) -> tuple[FileSeen | None, bool]:
        """Insert the document (`values`: its `COLUMNS`) under the file's lock `FOR
        SHARE`, unless the file is being deleted or is attached neither to `practice_id`
        (a staff member's) nor, with `granted` (a client user's), to anyone; or unless
        the file holds the same bytes already. Return the file as locked (None: no such
        file) and whether the row went in.

        The unique (file, sha256) decides between identical uploads racing each other
        (`INSERT ... ON CONFLICT DO NOTHING`): no look-up before it, no savepoint around
        it. PostgreSQL answers the conflict only once the other transaction committed,
        so `twin` then sees its row. On PostgreSQL all of it is one statement, which
        also makes it one transaction on a unit of work in autocommit."""
        connection = self._connection()
        if connection.dialect.name == "postgresql":
            params = {**values, "practice_id": practice_id, "granted": granted}
            row = self._row(_ADD_TO_LOCKED_FILE, params)
            if row is None:
                return None, False
            return FileSeen(row[0], row[1], FileStatus(row[2])), bool(row[3])
        # SQLite: the database is already locked for writing (BEGIN IMMEDIATE).
        client_file = self.file(values["client_file_id"])
        if client_file is None or client_file.status is FileStatus.DELETING:
            return client_file, False
        if not granted and (practice_id is None or client_file.practice_id != practice_id):
            return client_file, False
        inserted = connection.execute(_ADD_DOCUMENT, values).first() is not None
        return client_file, inserted

    def twin(self, client_file_id: uuid.UUID, sha256: str) -> tuple[uuid.UUID, DocumentStatus]:
        """The file's document with these bytes, which an upload found inserted first."""
        row = self._row(_TWIN, {"client_file_id": client_file_id, "sha256": sha256})
        assert row is not None, "nothing but a committed twin skips the insert"
        return row[0], DocumentStatus(row[1])


def _utc(value: datetime | None) -> datetime | None:
    # As UTCDateTime hands it back: marked UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
