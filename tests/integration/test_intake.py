"""The upload path on PostgreSQL, where it runs as two statements: the token, the caller's
access and the file read in one query before the body, then the file locked and the
document inserted in one statement, its own transaction. Whatever either refuses must
leave nothing: no row, no blob; and a token revoked by one process is refused by every
other at its next request."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.domain.model import Actor, DocumentStatus, FileStatus, Role
from app.errors import ActionRefused, NotFound
from app.persistence.auth import ApiToken
from app.persistence.models import ClientFile, Document
from app.services import admin, documents, tokens
from app.web import create_app
from tests.integration.conftest import Practice, Stack, new_practice
from tests.support.consent import invite_and_accept


def web_process(stack: Stack) -> TestClient:
    return TestClient(create_app(stack.runtime, broker_check=lambda: None))


def upload(process: TestClient, file_id: uuid.UUID, secret: str, label: str = "") -> int:
    data = f"Receipt {label or uuid.uuid4()}\nTotal 4.20 EUR\n".encode()
    response = process.post(
        f"/v1/client-files/{file_id}/documents",
        files={"file": ("r.txt", data, "text/plain")},
        headers={"Authorization": f"Bearer {secret}"},
    )
    return response.status_code


def rows(stack: Stack, file_id: uuid.UUID) -> int:
    count = sa.select(sa.func.count()).where(Document.client_file_id == file_id)
    return int(stack.scalar(count))


def blobs(stack: Stack) -> list[str]:
    root = stack.settings.storage_dir
    return [p.name for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_token_revoked_in_one_process_is_refused_by_another_at_its_next_upload(
    stack: Stack, practice: Practice
) -> None:
    issued = tokens.issue(stack.runtime.uow(), practice.staff.user_id)
    first, second = web_process(stack), web_process(stack)
    before = upload(second, practice.client_file_id, issued.secret)

    tokens.revoke(stack.runtime.uow(), issued.token_id)  # as `first` would, on its own
    after = [upload(process, practice.client_file_id, issued.secret) for process in (second, first)]

    assert before == 202
    assert after == [401, 401]
    assert rows(stack, practice.client_file_id) == 1


def test_uploads_follow_each_callers_access(stack: Stack, practice: Practice) -> None:
    other = new_practice(stack)
    uow = stack.runtime.uow
    client_user = invite_and_accept(
        uow(), practice.client_file_id, practice.staff.user_id, "owner@bakery.test"
    )
    secret = {
        "staff": tokens.issue(uow(), practice.staff.user_id).secret,
        "other_staff": tokens.issue(uow(), other.staff.user_id).secret,
        "client": tokens.issue(uow(), client_user).secret,
    }
    process = web_process(stack)

    answers = {
        who: upload(process, practice.client_file_id, secret[who])
        for who in ("staff", "other_staff", "client")
    }
    into_another_file = upload(process, other.client_file_id, secret["client"])
    into_no_file = upload(process, uuid.uuid4(), secret["staff"])

    assert answers == {"staff": 202, "other_staff": 404, "client": 202}
    assert (into_another_file, into_no_file) == (404, 404)
    assert rows(stack, practice.client_file_id) == 2
    assert rows(stack, other.client_file_id) == 0


@pytest.mark.parametrize("who", ["other practice's staff", "client of another file"])
def test_an_upload_refused_under_the_files_lock_writes_no_row_and_keeps_no_blob(
    stack: Stack, practice: Practice, who: str
) -> None:
    # The check before the body is skipped: only the insert's own rule stands between
    # this caller and the file, as when access changes while the body streams in.
    other = new_practice(stack)
    actor = (
        other.staff
        if who == "other practice's staff"
        else Actor(uuid.uuid4(), Role.CLIENT, None, frozenset({other.client_file_id}))
    )

    with pytest.raises(NotFound):
        documents.upload(
            stack.runtime.uow(),
            stack.runtime.blobs,
            stack.settings,
            client_file_id=practice.client_file_id,
            actor=actor,
            filename="r.txt",
            data=b"Receipt refused\nTotal 1.00 EUR\n",
        )

    assert rows(stack, practice.client_file_id) == 0
    assert blobs(stack) == []


def test_an_upload_into_a_file_that_began_its_deletion_is_refused_under_the_lock(
    stack: Stack, practice: Practice
) -> None:
    kept = documents.upload(
        stack.runtime.uow(),
        stack.runtime.blobs,
        stack.settings,
        client_file_id=practice.client_file_id,
        actor=practice.staff,
        filename="kept.txt",
        data=b"Receipt kept\nTotal 2.00 EUR\n",
    )
    with stack.runtime.db.begin() as connection:
        connection.execute(
            sa.update(ClientFile)
            .where(ClientFile.id == practice.client_file_id)
            .values(status=FileStatus.DELETING)
        )

    with pytest.raises(ActionRefused) as refused:
        documents.upload(
            stack.runtime.uow(),
            stack.runtime.blobs,
            stack.settings,
            client_file_id=practice.client_file_id,
            actor=practice.staff,
            filename="late.txt",
            data=b"Receipt late\nTotal 3.00 EUR\n",
        )

    assert refused.value.reason == "file_being_deleted"
    assert rows(stack, practice.client_file_id) == 1
    assert len(blobs(stack)) == 1
    assert kept.status is DocumentStatus.PENDING


def test_the_same_bytes_again_answer_the_first_document(stack: Stack, practice: Practice) -> None:
    def send() -> documents.UploadResult:
        return documents.upload(
            stack.runtime.uow(),
            stack.runtime.blobs,
            stack.settings,
            client_file_id=practice.client_file_id,
            actor=practice.staff,
            filename="twice.txt",
            data=b"Receipt twice\nTotal 5.00 EUR\n",
        )

    first, again = send(), send()

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.document_id == first.document_id
    assert again.status is DocumentStatus.PENDING
    assert rows(stack, practice.client_file_id) == 1


def test_a_staff_member_cannot_upload_into_a_file_without_a_practice(stack: Stack) -> None:
    practice = new_practice(stack)
    orphan = admin.create_client_file(stack.runtime.uow(), practice.practice_id, "Detached")
    with stack.runtime.db.begin() as connection:
        connection.execute(
            sa.update(ClientFile).where(ClientFile.id == orphan).values(practice_id=None)
        )

    with pytest.raises(NotFound):
        documents.upload(
            stack.runtime.uow(),
            stack.runtime.blobs,
            stack.settings,
            client_file_id=orphan,
            actor=practice.staff,
            filename="r.txt",
            data=b"Receipt orphan\nTotal 6.00 EUR\n",
        )

    assert rows(stack, orphan) == 0


def test_the_upload_statements_are_seen_by_statement_listeners(
    stack: Stack, practice: Practice
) -> None:
    """Tracing listens to every statement of the engine: with a listener, the upload's
    statements go through SQLAlchemy's execution (not to the driver directly), so every
    one of them is seen, and the upload still answers as it does without."""
    secret = tokens.issue(stack.runtime.uow(), practice.staff.user_id).secret
    seen: list[str] = []

    def listener(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(stack.runtime.db, "before_cursor_execute", listener)
    try:
        status = upload(web_process(stack), practice.client_file_id, secret, "traced")
    finally:
        sa.event.remove(stack.runtime.db, "before_cursor_execute", listener)

    assert status == 202
    assert any("FROM api_tokens JOIN users" in statement for statement in seen)
    assert any("INSERT INTO documents" in statement for statement in seen)
    assert rows(stack, practice.client_file_id) == 1


def test_a_connection_lost_under_the_upload_statements_leaves_the_pool(
    stack: Stack, practice: Practice
) -> None:
    """The statements handed to the driver directly fail as through SQLAlchemy: a lost
    connection is a DBAPIError saying so, and the pool replaces the connection."""
    uow = stack.runtime.uow()
    with uow.autocommit():
        # A repository opens the unit of work's session on the same connection.
        backend = uow.session.scalar(sa.text("SELECT pg_backend_pid()"))
        stack.scalar(sa.select(sa.func.pg_terminate_backend(backend)))
        with pytest.raises(sa.exc.DBAPIError) as lost:
            uow.intake.file(practice.client_file_id)

    assert lost.value.connection_invalidated
    with stack.runtime.uow().autocommit() as again:
        seen = again.intake.file(practice.client_file_id)
        assert again.session.scalar(sa.text("SELECT pg_backend_pid()")) != backend
    assert seen is not None
    assert seen.status is FileStatus.ACTIVE


def test_an_upload_writes_down_its_tokens_use_through_the_units_own_connection(
    stack: Stack, practice: Practice
) -> None:
    """The admission runs in autocommit without a session; the token's last use is
    written by a repository, on a session opened then on the same connection, and it
    stays written (each statement commits on its own)."""
    issued = tokens.issue(stack.runtime.uow(), practice.staff.user_id)
    last_use = sa.select(ApiToken.last_used_at).where(ApiToken.id == issued.token_id)
    before = stack.scalar(last_use)

    status = upload(web_process(stack), practice.client_file_id, issued.secret)

    assert before is None
    assert status == 202
    assert stack.scalar(last_use) is not None
