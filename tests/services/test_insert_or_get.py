"""insert_or_get on SQLite: the unique key decides, and the transaction goes on after a
conflict (PostgreSQL, where two transactions really overlap: tests/integration)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.persistence.db import insert_or_get
from app.persistence.models import Document, LifecycleJob, Practice


def job(job_id: uuid.UUID, status: str) -> LifecycleJob:
    return LifecycleJob(id=job_id, client_file_id=uuid.uuid4(), action="delete", status=status)


def test_a_new_row_is_inserted(sessions: sessionmaker[Session]) -> None:
    job_id = uuid.uuid4()
    with sessions() as session:
        row, created = insert_or_get(
            session, job(job_id, "running"), lambda: session.get(LifecycleJob, job_id)
        )
        session.commit()
    assert created
    assert row.id == job_id


def test_a_row_already_there_is_returned_and_the_transaction_goes_on(
    sessions: sessionmaker[Session],
) -> None:
    # GIVEN a job another transaction recorded first
    job_id = uuid.uuid4()
    with sessions() as session:
        session.add(job(job_id, "done"))
        session.commit()

    # WHEN this one inserts the same job id, then writes something else
    with sessions() as session:
        row, created = insert_or_get(
            session, job(job_id, "running"), lambda: session.get(LifecycleJob, job_id)
        )
        session.add(Practice(id=uuid.uuid4(), name="Written after the conflict"))
        session.commit()

    # THEN it gets the first job, unchanged, and its own transaction still commits
    assert not created
    assert row.status == "done"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Practice)) == 1


def test_an_integrity_error_that_is_no_conflict_is_raised(sessions: sessionmaker[Session]) -> None:
    # A document of a file that does not exist breaks a foreign key, not the unique key.
    document = Document(
        id=uuid.uuid4(),
        client_file_id=uuid.uuid4(),
        filename="x.txt",
        content_type="text/plain",
        size_bytes=1,
        sha256="0" * 64,
        blob_key="x",
        status="pending",
    )
    with sessions() as session, pytest.raises(IntegrityError):
        insert_or_get(session, document, lambda: None)
