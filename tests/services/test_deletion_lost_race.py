"""A deletion that loses the race to another one ends its job `done`, saying that it found
the file already gone; nothing is left, and there is one audit event."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.errors import NotFound
from app.persistence.models import utcnow
from app.services import admin, deletion, messages, sweeper
from app.storage import DeleteProgress, LocalBlobStore
from tests.services.test_deletion import NOTHING_LEFT, blob_files, remaining_rows, run_delete

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


def test_a_deletion_sent_after_another_one_finished_ends_done(office: Office) -> None:
    office.upload(office.receipt(1))
    assert run_delete(office, uuid.uuid4()).status == "done"

    late = run_delete(office, uuid.uuid4())

    assert (late.status, late.message) == ("done", deletion.ALREADY_DELETED)
    assert run_delete(office, late.job_id) == late, "and the same once more"
    with office.uow as uow:
        assert len(uow.lifecycle.events_for(office.file_id)) == 1


def test_a_deleted_file_stays_unknown_to_another_practice(office: Office) -> None:
    assert run_delete(office, uuid.uuid4()).status == "done"
    other = admin.create_practice(office.uow, "Another practice")
    stranger = admin.create_staff_user(office.uow, other, "Sam", "sam@another.test")

    with pytest.raises(NotFound):
        deletion.delete(
            office.uow,
            office.blobs,
            job_id=uuid.uuid4(),
            client_file_id=office.file_id,
            actor_id=stranger,
            batch_size=3,
        )


class BlobStoreRacedByAnotherJob(LocalBlobStore):
    """While this job removes the blobs, a second deletion of the same file runs to the
    end (it removes the file row) before this job reports its progress."""

    def __init__(self, root: Path, office: Office) -> None:
        super().__init__(root)
        self.office = office
        self.winner: deletion.JobResult | None = None

    def delete_prefix(self, prefix: str, progress: DeleteProgress | None = None) -> int:
        removed = super().delete_prefix(prefix)
        if self.winner is None and progress is not None:
            self.winner = run_delete(self.office, uuid.uuid4(), blobs=LocalBlobStore(self.root))
            progress(removed)
        return removed


def test_a_deletion_whose_file_goes_while_it_removes_blobs_ends_done(office: Office) -> None:
    for n in range(4):
        office.upload(office.receipt(n))
    racing = BlobStoreRacedByAnotherJob(office.blobs.root, office)

    loser = run_delete(office, uuid.uuid4(), blobs=racing)

    assert racing.winner is not None
    assert (racing.winner.status, racing.winner.message) == ("done", None)
    assert (loser.status, loser.message) == ("done", deletion.ALREADY_DELETED)
    assert loser.counts["blobs_deleted"] == 4
    assert remaining_rows(office, office.file_id) == NOTHING_LEFT
    assert blob_files(office, office.file_id) == []
    with office.uow as uow:
        assert len(uow.lifecycle.events_for(office.file_id)) == 1


def test_a_losing_deletion_whose_message_was_lost_is_ended_by_the_sweeper(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    # GIVEN a deletion that died after another job removed its file (its message lost)
    loser_id = uuid.uuid4()

    def die(counts: dict[str, int]) -> None:
        raise RuntimeError("worker killed")

    office.upload(office.receipt(1))
    with pytest.raises(RuntimeError):
        run_delete(office, loser_id, progress=die)
    assert run_delete(office, uuid.uuid4()).status == "done"
    dispatcher.clear()

    # WHEN the sweeper runs once the job is stale
    later = utcnow() + timedelta(hours=1)
    report = sweeper.sweep(office.uow, stale_after=timedelta(minutes=15), batch_size=10, now=later)

    # THEN it re-sends the job, which ends done, saying the file was already gone
    assert report.deletions_resumed == 1
    [message] = dispatcher.named(messages.DELETE)
    assert message.payload["job_id"] == str(loser_id)
    result = run_delete(office, loser_id)
    assert (result.status, result.message) == ("done", deletion.ALREADY_DELETED)
    again = sweeper.sweep(office.uow, stale_after=timedelta(minutes=15), batch_size=10, now=later)
    assert again.deletions_resumed == 0
