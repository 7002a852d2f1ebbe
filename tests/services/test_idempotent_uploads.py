"""What an idempotency key costs an upload: one insert with a key, no statement without;
and what it answers when the same upload comes back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from app.services import idempotency
from app.services.idempotency import KeyClaim
from tests.services.conftest import Office
from tests.services.test_uploads import upload

DAY = timedelta(hours=24)


@contextmanager
def statements(db: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # Savepoints are bookkeeping, not work on a table.
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            seen.append(statement)

    event.listen(db, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", record)


def claim(key: str, data: bytes) -> KeyClaim:
    return KeyClaim("token:t", key, idempotency.fingerprint("POST", "/p", str(hash(data))), DAY)


def test_a_key_costs_an_upload_one_insert_and_no_key_costs_nothing(
    office: Office, db: Engine
) -> None:
    office.actor()  # warm up: what the upload itself costs is measured below
    with statements(db) as without_key:
        upload(office, office.receipt(1))
    with statements(db) as with_key:
        upload(office, office.receipt(2), claim=claim("k", office.receipt(2)))

    added = [s for s in with_key if s not in without_key]
    assert len(with_key) == len(without_key) + 1, added
    assert added[0].lstrip().upper().startswith("INSERT INTO IDEMPOTENCY_KEYS")


@pytest.mark.parametrize("duplicate", [False, True])
def test_the_same_upload_under_its_key_gets_the_first_answer(
    office: Office, duplicate: bool
) -> None:
    data = office.receipt(3)
    if duplicate:  # the bytes were in the file before the keyed upload
        upload(office, data)
    first = upload(office, data, claim=claim("k", data))
    again = upload(office, data, claim=claim("k", data))

    assert (again.document_id, again.status, again.duplicate) == (
        first.document_id,
        first.status,
        duplicate,
    )
    assert (first.replayed, again.replayed) == (False, True)
