"""Deleting a client file: every row and blob goes, the audit event and the job stay, and a
deletion that crashed half-way finishes when it is run again."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from app.domain.model import Action, FileStatus
from app.errors import NotFound
from app.extraction import ExtractionResult
from app.persistence.models import (
    ClientFile,
    ClientFileUser,
    Document,
    Extraction,
    LifecycleEvent,
    LifecycleJob,
)
from app.services import deletion, documents, extraction, lifecycle
from app.storage import DeleteProgress, LocalBlobStore

if TYPE_CHECKING:
    from tests.services.conftest import Office

LIMITS = extraction.ExtractionLimits(max_attempts=3, claim_lease=timedelta(minutes=5))


class Crash(Exception):
    """A worker dying in the middle of a deletion."""


class BlobStoreThatDies(LocalBlobStore):
    """Removes `survive` blobs, then dies, as a worker killed mid-deletion would."""

    def __init__(self, root: Path, survive: int) -> None:
        super().__init__(root)
        self.survive = survive

    def _unlink(self, path: str) -> None:
        if self.survive == 0:
            raise Crash(path)
        self.survive -= 1
        super()._unlink(path)


def remaining_rows(office: Office, file_id: uuid.UUID) -> dict[str, int]:
    """Every row anywhere that still belongs to the file."""
    tables = {
        "client_files": select(func.count()).where(ClientFile.id == file_id),
        "client_file_users": select(func.count()).where(ClientFileUser.client_file_id == file_id),
        "documents": select(func.count()).where(Document.client_file_id == file_id),
        "extractions": select(func.count()).where(Extraction.client_file_id == file_id),
    }
    with office.uow:
        return {name: office.uow.session.scalar(query) or 0 for name, query in tables.items()}


def blob_files(office: Office, file_id: uuid.UUID) -> list[Path]:
    folder = office.blobs.root / str(file_id)
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def audit(office: Office, file_id: uuid.UUID) -> list[tuple[str, dict[str, object]]]:
    with office.uow:
        query = select(LifecycleEvent).where(LifecycleEvent.client_file_id == file_id)
        return [(e.action, dict(e.counts)) for e in office.uow.session.scalars(query)]


def run_delete(
    office: Office,
    job_id: uuid.UUID,
    *,
    blobs: LocalBlobStore | None = None,
    progress: deletion.Progress | None = None,
) -> lifecycle.JobResult:
    return deletion.delete(
        office.uow,
        blobs or office.blobs,
        job_id=job_id,
        client_file_id=office.file_id,
        actor_id=office.staff_id,
        batch_size=office.settings.delete_batch_size,
        progress=progress,
    )


@pytest.fixture
def full_file(office: Office) -> dict[str, list[uuid.UUID]]:
    """Eight documents (three batches of three) in every state, and a neighbour file."""
    extracted = [office.extracted(office.receipt(i)) for i in range(3)]
    queued = [office.queued(office.receipt(i)) for i in range(3, 6)]
    pending = [office.upload(office.receipt(i)) for i in range(6, 8)]
    neighbour = office.new_file("Neighbour")
    kept = office.upload(office.receipt(0), file_id=neighbour)
    return {
        "extracted": extracted,
        "queued": queued,
        "pending": pending,
        "neighbour": [neighbour],
        "kept": [kept],
    }


NOTHING_LEFT = {"client_files": 0, "client_file_users": 0, "documents": 0, "extractions": 0}


def test_delete_removes_every_row_and_blob_of_the_file(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    assert len(blob_files(office, office.file_id)) == 8
    job_id = uuid.uuid4()

    result = run_delete(office, job_id)

    assert result.status == "done"
    assert remaining_rows(office, office.file_id) == NOTHING_LEFT
    assert blob_files(office, office.file_id) == []
    assert not (office.blobs.root / str(office.file_id)).exists()
    assert result.counts == {
        "documents_deleted": 8,
        "extractions_deleted": 3,
        "blobs_deleted": 8,
        "access_rows_deleted": 0,
        "client_file_rows_deleted": 1,
    }
    # The neighbour is untouched.
    [neighbour], [kept] = full_file["neighbour"], full_file["kept"]
    assert remaining_rows(office, neighbour)["documents"] == 1
    assert office.document(kept) is not None
    assert len(blob_files(office, neighbour)) == 1


def test_the_audit_event_and_the_job_survive(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    job_id = uuid.uuid4()

    result = run_delete(office, job_id)

    assert audit(office, office.file_id) == [("delete", result.counts)]
    with office.uow:
        job = office.uow.session.get(LifecycleJob, job_id)
        assert job is not None
        assert (job.status, job.action, job.client_file_id) == ("done", "delete", office.file_id)
        event = office.uow.session.scalars(
            select(LifecycleEvent).where(LifecycleEvent.job_id == job_id)
        ).one()
        assert event.from_state["status"] == "active"
        assert event.from_state["practice_id"] == str(office.practice_id)
        assert event.to_state == {"status": "deleted"}
        assert event.practice_id == office.practice_id
        assert event.actor_id == office.staff_id


def test_running_the_finished_job_again_changes_nothing(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    job_id = uuid.uuid4()
    first = run_delete(office, job_id)

    assert run_delete(office, job_id) == first
    assert len(audit(office, office.file_id)) == 1


def test_a_crash_between_batches_resumes_and_finishes(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    job_id = uuid.uuid4()

    def die_after_first_batch(counts: dict[str, int]) -> None:
        raise Crash(counts)

    with pytest.raises(Crash):
        run_delete(office, job_id, progress=die_after_first_batch)

    half = remaining_rows(office, office.file_id)
    assert half["documents"] == 5  # one batch of three went
    assert half["client_files"] == 1
    with office.uow:
        client_file = office.uow.files.get(office.file_id)
        assert client_file is not None
        assert client_file.status is FileStatus.DELETING

    result = run_delete(office, job_id)

    assert result.status == "done"
    assert result.counts["documents_deleted"] == 8
    assert result.counts["extractions_deleted"] == 3
    assert result.counts["blobs_deleted"] == 8  # the audit counts survive the crash
    assert remaining_rows(office, office.file_id) == NOTHING_LEFT
    assert blob_files(office, office.file_id) == []
    assert len(audit(office, office.file_id)) == 1


def test_a_crash_while_deleting_blobs_leaves_no_orphan_after_resuming(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    job_id = uuid.uuid4()
    dying = BlobStoreThatDies(office.blobs.root, survive=1)

    with pytest.raises(Crash):
        run_delete(office, job_id, blobs=dying)

    # Half-done: the rows are gone, but the file row is still there, marked deleting,
    # with one of its eight blobs removed.
    half = remaining_rows(office, office.file_id)
    assert half == {**NOTHING_LEFT, "client_files": 1}
    assert len(blob_files(office, office.file_id)) == 7
    with office.uow as uow:
        client_file = uow.files.get(office.file_id)
        assert client_file is not None
        assert client_file.status is FileStatus.DELETING

    result = run_delete(office, job_id)

    assert result.status == "done"
    assert result.counts["documents_deleted"] == 8
    # The blob removed just before the crash was never recorded: the count is of the
    # blobs each run saw itself remove.
    assert result.counts["blobs_deleted"] == 7
    assert remaining_rows(office, office.file_id) == NOTHING_LEFT
    assert blob_files(office, office.file_id) == []


def test_a_deleting_file_refuses_uploads_and_drops_its_queued_work(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    def die_after_first_batch(counts: dict[str, int]) -> None:
        raise Crash(counts)

    with pytest.raises(Crash):
        run_delete(office, uuid.uuid4(), progress=die_after_first_batch)

    from app.errors import ActionRefused

    with pytest.raises(ActionRefused):
        office.upload(office.receipt(99))
    # Batches follow document ids, so which documents survived the first is chance; of
    # the five left, at most three are extracted: two or more still wait for work.
    pending = [doc for doc in full_file["pending"] if office.document(doc) is not None]
    queued = [doc for doc in full_file["queued"] if office.document(doc) is not None]
    assert len(pending) + len(queued) >= 2
    for document_id in pending:
        assert documents.gate(office.uow, document_id) == "dropped"
    for document_id in queued:
        assert extraction.claim_for_extraction(office.uow, document_id, LIMITS) is None


def test_a_result_arriving_after_the_deletion_is_discarded(office: Office) -> None:
    document_id = office.queued()
    assert extraction.claim_for_extraction(office.uow, document_id, LIMITS)

    run_delete(office, uuid.uuid4())

    result = ExtractionResult("fake", "Total 1.00")
    assert not extraction.record_extraction(office.uow, document_id, result)
    assert remaining_rows(office, office.file_id) == NOTHING_LEFT


def test_a_file_with_client_users_cannot_be_deleted(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    office.invite("owner@martin.test")
    before = remaining_rows(office, office.file_id)
    job_id = uuid.uuid4()

    result = run_delete(office, job_id)

    assert (result.status, result.reason) == ("refused", "has_client_users")
    assert remaining_rows(office, office.file_id) == before
    assert len(blob_files(office, office.file_id)) == 8


def test_an_unknown_file_is_not_found(office: Office) -> None:
    with pytest.raises(NotFound):
        deletion.delete(
            office.uow,
            office.blobs,
            job_id=uuid.uuid4(),
            client_file_id=uuid.uuid4(),
            actor_id=office.staff_id,
            batch_size=3,
        )


def test_after_deletion_the_file_is_gone_for_everyone(office: Office) -> None:
    document_id = office.upload()
    run_delete(office, uuid.uuid4())

    assert documents.gate(office.uow, document_id) == "gone"
    with pytest.raises(NotFound):
        office.upload(office.receipt(1))
    with pytest.raises(NotFound):
        office.change(Action.DEACTIVATE)


def test_a_refused_deletion_run_again_deletes_nothing(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    # A duplicate delivery of a refused delete task must not start deleting.
    office.invite("owner@martin.test")
    before = remaining_rows(office, office.file_id)
    job_id = uuid.uuid4()
    first = run_delete(office, job_id)

    again = run_delete(office, job_id)

    assert again == first
    assert again.status == "refused"
    assert remaining_rows(office, office.file_id) == before
    assert len(blob_files(office, office.file_id)) == 8


def test_a_crash_after_the_last_batch_finishes_on_the_next_run(
    office: Office, full_file: dict[str, list[uuid.UUID]], monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = uuid.uuid4()
    calls: list[dict[str, int]] = []

    def die_at_the_end(counts: dict[str, int]) -> None:
        calls.append(dict(counts))
        if counts["documents_deleted"] == 8:
            raise Crash(counts)

    with pytest.raises(Crash):
        run_delete(office, job_id, progress=die_at_the_end)
    assert remaining_rows(office, office.file_id)["documents"] == 0
    assert remaining_rows(office, office.file_id)["client_files"] == 1

    result = run_delete(office, job_id)

    assert result.status == "done"
    assert result.counts["documents_deleted"] == 8
    assert remaining_rows(office, office.file_id) == NOTHING_LEFT
    assert len(audit(office, office.file_id)) == 1


def test_a_second_deletion_job_for_a_deleting_file_finishes_it(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    first_job, second_job = uuid.uuid4(), uuid.uuid4()

    def die_after_first_batch(counts: dict[str, int]) -> None:
        raise Crash(counts)

    with pytest.raises(Crash):
        run_delete(office, first_job, progress=die_after_first_batch)

    assert run_delete(office, second_job).status == "done"
    # The first job, resumed late (the sweeper), finds the file already gone.
    late = run_delete(office, first_job)
    assert late.status == "done"
    assert late.message == "The client file had already been deleted by another job."

    assert remaining_rows(office, office.file_id) == NOTHING_LEFT
    assert blob_files(office, office.file_id) == []
    with office.uow as uow:
        assert len(uow.lifecycle.events_for(office.file_id)) == 1, "one deletion, one event"


class BlobStoreWithARacingUpload(LocalBlobStore):
    """After the first prefix sweep, an upload that had passed its checks writes its blob
    and its worker dies before taking it back."""

    def __init__(self, root: Path, orphan_key: str) -> None:
        super().__init__(root)
        self.orphan_key = orphan_key
        self.sweeps = 0

    def delete_prefix(self, prefix: str, progress: DeleteProgress | None = None) -> int:
        removed = super().delete_prefix(prefix, progress)
        self.sweeps += 1
        if self.sweeps == 1:
            self.put(self.orphan_key, b"late upload")
        return removed


def test_a_blob_written_during_the_final_sweep_is_removed_too(office: Office) -> None:
    office.upload(office.receipt(1))
    racing = BlobStoreWithARacingUpload(office.blobs.root, f"{office.file_id}/{'0' * 64}")

    result = run_delete(office, uuid.uuid4(), blobs=racing)

    assert result.status == "done"
    assert blob_files(office, office.file_id) == []


def test_a_job_recorded_before_dispatch_runs_to_completion(
    office: Office, full_file: dict[str, list[uuid.UUID]]
) -> None:
    # GIVEN a caller that recorded the job as pending before sending the task
    job_id = uuid.uuid4()
    with office.uow as uow:
        uow.lifecycle.add_job(
            LifecycleJob(
                id=job_id, client_file_id=office.file_id, action="delete", status="pending"
            )
        )
        uow.commit()

    # WHEN the deletion runs under that job
    result = run_delete(office, job_id)

    # THEN it completes, counts everything, and writes its audit event
    assert result.status == "done"
    assert result.counts["documents_deleted"] == 8
    assert remaining_rows(office, office.file_id) == NOTHING_LEFT
    with office.uow as uow:
        (event,) = uow.lifecycle.events_for(office.file_id)
        assert event.from_state["status"] == "active"
