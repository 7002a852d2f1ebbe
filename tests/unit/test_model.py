"""Value types: who sees which file, and which document states are final."""

from __future__ import annotations

import uuid

import pytest

from app.domain.model import Actor, Billing, DocumentStatus, FileState, FileStatus, Role

PRACTICE = uuid.uuid4()
OTHER_PRACTICE = uuid.uuid4()
FILE = uuid.uuid4()
OTHER_FILE = uuid.uuid4()


def staff(practice_id: uuid.UUID | None = PRACTICE) -> Actor:
    return Actor(uuid.uuid4(), Role.STAFF, practice_id=practice_id)


def client(*file_ids: uuid.UUID) -> Actor:
    return Actor(uuid.uuid4(), Role.CLIENT, client_file_ids=frozenset(file_ids))


def test_staff_see_a_file_attached_to_their_practice() -> None:
    assert staff().can_see(FILE, attached_to=PRACTICE)


def test_staff_do_not_see_another_practices_file() -> None:
    assert not staff().can_see(FILE, attached_to=OTHER_PRACTICE)


def test_a_detached_file_is_invisible_to_every_practice() -> None:
    assert not staff().can_see(FILE, attached_to=None)


def test_staff_without_a_practice_see_nothing() -> None:
    assert not staff(practice_id=None).can_see(FILE, attached_to=None)
    assert not staff(practice_id=None).can_see(FILE, attached_to=PRACTICE)


@pytest.mark.parametrize("attached_to", [PRACTICE, None])
def test_client_users_see_their_files_attached_or_not(attached_to: uuid.UUID | None) -> None:
    assert client(FILE).can_see(FILE, attached_to=attached_to)


@pytest.mark.parametrize("attached_to", [PRACTICE, None])
def test_client_users_never_see_another_clients_file(attached_to: uuid.UUID | None) -> None:
    assert not client(FILE).can_see(OTHER_FILE, attached_to=attached_to)
    assert not client().can_see(FILE, attached_to=attached_to)


def test_client_access_does_not_follow_the_practice() -> None:
    # A client user who happens to carry a practice id still sees only their own files.
    actor = Actor(uuid.uuid4(), Role.CLIENT, practice_id=PRACTICE)

    assert not actor.can_see(FILE, attached_to=PRACTICE)


@pytest.mark.parametrize(
    ("status", "terminal"),
    [
        (DocumentStatus.PENDING, False),
        (DocumentStatus.QUEUED, False),
        (DocumentStatus.EXTRACTING, False),
        (DocumentStatus.EXTRACTED, True),
        (DocumentStatus.SKIPPED, True),
        (DocumentStatus.FAILED, True),
    ],
)
def test_document_terminal_states(status: DocumentStatus, terminal: bool) -> None:
    assert status.is_terminal is terminal


def test_every_document_status_is_classified() -> None:
    # A new status must be added to the table above, deciding whether it is final.
    assert len(DocumentStatus) == 6


def test_file_state_knows_whether_it_is_attached() -> None:
    attached = FileState(PRACTICE, Billing.PRACTICE, FileStatus.ACTIVE, 0)

    assert attached.is_attached
    assert not attached.evolve(practice_id=None).is_attached
