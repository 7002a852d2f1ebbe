"""Uploads flow through the real gatekeeper and extraction on a real worker."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import Extraction
from app.services import documents
from tests.integration.conftest import Practice, Stack


def upload(stack: Stack, practice: Practice, text: str) -> uuid.UUID:
    result = documents.upload(
        stack.runtime.uow(),
        stack.runtime.blobs,
        stack.settings,
        client_file_id=practice.client_file_id,
        actor=practice.staff,
        filename="receipt.txt",
        data=text.encode(),
    )
    return result.document_id


def test_uploads_are_extracted_by_a_real_worker(stack: Stack, practice: Practice) -> None:
    # GIVEN a running worker WHEN documents are uploaded to an active file
    stack.start_worker()
    ids = [upload(stack, practice, f"Receipt {n}: total 12.{n:02d} EUR") for n in range(20)]

    # THEN every one is extracted, once
    stack.wait_until_terminal(practice.client_file_id, 20)
    assert stack.statuses(practice.client_file_id) == {DocumentStatus.EXTRACTED: 20}
    extracted = stack.scalar(
        sa.select(sa.func.count()).select_from(Extraction).where(Extraction.document_id.in_(ids))
    )
    assert extracted == 20
    assert len(stack.journal.read_text().splitlines()) == 20
