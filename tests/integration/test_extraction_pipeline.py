"""A PDF, a receipt photo, a corrupt file and e-invoices (good and hostile) through the real
pipeline, read by the default extraction engine in a forked Celery worker process."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from app.domain.model import DocumentStatus
from app.services import documents, queries
from benchmarks.einvoice_cii import cii
from benchmarks.einvoice_ubl import ubl
from tests.integration.conftest import Practice, Stack, new_practice
from tests.unit.extraction.einvoice_samples import (
    billion_laughs,
    external_entity,
    facturx_pdf,
    huge_xml,
    known_spec,
    printed_page,
)
from tests.unit.extraction.samples import (
    INVOICE_LINES,
    RECEIPT_LINES,
    encoded,
    pdf_bytes,
    receipt_image,
)


def pipeline(make_stack: Callable[..., Stack], **settings: Any) -> Stack:
    """The default engine in the worker; OCR on a loaded 2-core machine takes seconds."""
    return make_stack(
        extraction_engine="app.extraction.engine:InvoiceEngine",
        extraction_time_limit_seconds=120,
        broker_visibility_timeout_seconds=300,
        sweep_stale_after_seconds=200,
        **settings,
    )


def upload_all(stack: Stack, practice: Practice, uploads: dict[str, bytes]) -> dict[str, uuid.UUID]:
    return {
        name: documents.upload(
            stack.runtime.uow(),
            stack.runtime.blobs,
            stack.settings,
            client_file_id=practice.client_file_id,
            actor=practice.staff,
            filename=name,
            data=data,
        ).document_id
        for name, data in uploads.items()
    }


def test_the_default_engine_reads_pdfs_and_photos_in_the_pipeline(
    make_stack: Callable[..., Stack],
) -> None:
    stack = pipeline(make_stack)
    practice = new_practice(stack)
    ids = upload_all(
        stack,
        practice,
        {
            "facture.pdf": pdf_bytes([INVOICE_LINES]),
            "ticket.png": encoded(receipt_image(RECEIPT_LINES), "PNG"),
            "broken.pdf": b"%PDF-1.7\n" + b"\x00garbage" * 50,
        },
    )

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


def test_e_invoices_and_hostile_xml_through_the_pipeline(
    make_stack: Callable[..., Stack],
) -> None:
    """A Factur-X PDF and a UBL credit note extracted exactly; a billion laughs, an external
    entity and a 50 MB XML each end `failed` with their reason, once, without retries."""
    stack = pipeline(make_stack, max_upload_bytes=64 * 1024 * 1024)
    practice = new_practice(stack)
    spec = known_spec()
    uploads = {
        "facture.pdf": facturx_pdf(printed_page(spec), cii(spec, "en16931"), "en16931"),
        "avoir.xml": ubl(known_spec(credit=True), "peppol"),
        "bomb.xml": billion_laughs(),
        "xxe.xml": external_entity(),
        "huge.xml": huge_xml(50),
    }
    ids = upload_all(stack, practice, uploads)

    stack.start_worker(concurrency=2)
    stack.wait_until_terminal(practice.client_file_id, len(uploads))

    def shown(name: str) -> queries.DocumentView:
        return queries.get_document(stack.runtime.uow(), practice.staff, ids[name])

    pdf, credit = shown("facture.pdf"), shown("avoir.xml")
    assert (pdf.status, pdf.engine) == (DocumentStatus.EXTRACTED, "einvoice/factur-x")
    assert pdf.fields is not None
    assert (pdf.fields["total"], pdf.fields["net"], pdf.fields["amount_due"]) == (
        "331.47",
        "279.84",
        "231.47",
    )
    assert [line["net_amount"] for line in pdf.fields["lines"]] == ["255.00", "29.94"]
    assert len(pdf.fields["vat_breakdown"]) == 2
    assert pdf.fields["warnings"] == []
    assert (credit.status, credit.engine) == (DocumentStatus.EXTRACTED, "einvoice/ubl")
    assert credit.fields is not None
    assert (credit.fields["total"], credit.fields["tax"]) == ("-331.47", "-51.63")
    for name, words in [("bomb.xml", "DTD"), ("xxe.xml", "DTD"), ("huge.xml", "bytes")]:
        view = shown(name)
        assert view.status == DocumentStatus.FAILED, name
        assert words in (view.reason or ""), (name, view.reason)
        document = stack.document(ids[name])
        assert document is not None
        assert document.attempts == 1  # unreadable input is never retried
