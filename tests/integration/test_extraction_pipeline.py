"""A PDF, a receipt photo and a corrupt file through the real pipeline, read by the
default extraction engine in a forked Celery worker process."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from app.domain.model import DocumentStatus
from app.services import documents, queries
from tests.integration.conftest import Stack, new_practice
from tests.unit.extraction.samples import (
    INVOICE_LINES,
    RECEIPT_LINES,
    encoded,
    pdf_bytes,
    receipt_image,
)


def test_the_default_engine_reads_pdfs_and_photos_in_the_pipeline(
    make_stack: Callable[..., Stack],
) -> None:
    # OCR on a loaded 2-core machine takes seconds; leave it room.
    stack = make_stack(
        extraction_engine="app.extraction.engine:InvoiceEngine",
        extraction_time_limit_seconds=120,
        broker_visibility_timeout_seconds=300,
        sweep_stale_after_seconds=200,
    )
    practice = new_practice(stack)
    uploads = {
        "facture.pdf": pdf_bytes([INVOICE_LINES]),
        "ticket.png": encoded(receipt_image(RECEIPT_LINES), "PNG"),
        "broken.pdf": b"%PDF-1.7\n" + b"\x00garbage" * 50,
    }
    ids: dict[str, uuid.UUID] = {}
    for name, data in uploads.items():
        ids[name] = documents.upload(
            stack.runtime.uow(),
            stack.runtime.blobs,
            stack.settings,
            client_file_id=practice.client_file_id,
            actor=practice.staff,
            filename=name,
            data=data,
        ).document_id

    stack.start_worker(concurrency=2)
    stack.wait_until_terminal(practice.client_file_id, 3)

    def shown(name: str) -> queries.DocumentView:
        return queries.get_document(stack.runtime.uow(), practice.staff, ids[name])

    pdf, photo, broken = shown("facture.pdf"), shown("ticket.png"), shown("broken.pdf")
    assert pdf.status == DocumentStatus.EXTRACTED
    assert pdf.fields is not None
    assert (pdf.fields["total"], pdf.fields["currency"]) == ("73.85", "EUR")
    assert pdf.fields["invoice_number"] == "F-2024-0117"
    assert photo.status == DocumentStatus.EXTRACTED
    assert photo.fields is not None
    assert (photo.fields["total"], photo.fields["currency"]) == ("11.54", "GBP")
    assert photo.fields["date"] == "2024-11-05"
    # A file the engine can never read fails once, with its reason, and is not retried.
    assert broken.status == DocumentStatus.FAILED
    assert broken.reason
    document = stack.document(ids["broken.pdf"])
    assert document is not None
    assert document.attempts == 1
