"""A deletion takes its batches in id order, each starting where the last one stopped, and
ends with one walk from the start: a document the walk had already gone past is deleted
and counted all the same."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.domain.model import DocumentStatus
from app.persistence.models import Document, utcnow
from app.services import deletion

if TYPE_CHECKING:
    from tests.services.conftest import Office

# Sorts before every uuid4, so it lands behind a walk that has started.
FIRST_ID = uuid.UUID(int=1)


def slip_in_behind(office: Office) -> None:
    """A row the walk cannot see any more (as if committed by a straggler)."""
    now = utcnow()
    with office.uow:
        office.uow.documents.add(
            Document(
                id=FIRST_ID,
                client_file_id=office.file_id,
                filename="late.txt",
                content_type="text/plain",
                size_bytes=1,
                sha256="0" * 64,
                blob_key=f"{office.file_id}/{'0' * 64}",
                status=DocumentStatus.PENDING,
                attempts=0,
                created_at=now,
                updated_at=now,
            )
        )
        office.uow.commit()


def test_a_document_behind_the_walk_is_deleted_and_counted(office: Office) -> None:
    # GIVEN a file of seven documents, deleted three at a time
    for index in range(7):
        office.upload(office.receipt(index))
    slipped: list[bool] = []

    def after_each_batch(counts: dict[str, int]) -> None:
        if not slipped:
            slip_in_behind(office)
            slipped.append(True)

    # WHEN a document appears behind the walk after the first batch
    result = deletion.delete(
        office.uow,
        office.blobs,
        job_id=uuid.uuid4(),
        client_file_id=office.file_id,
        actor_id=office.staff_id,
        batch_size=office.settings.delete_batch_size,
        progress=after_each_batch,
    )

    # THEN it is deleted by the batches, not left to the file row's cascade
    assert result.status == "done"
    assert result.counts["documents_deleted"] == 8
    with office.uow:
        query = select(func.count()).where(Document.client_file_id == office.file_id)
        assert office.uow.session.scalar(query) == 0
