"""E-invoices through the real pipeline: a Factur-X PDF and a UBL XML extracted exactly by a
forked Celery worker on PostgreSQL and Redis; a billion laughs, an external entity and a
50 MB XML each end `failed` with their reason, once, without retries."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from app.domain.model import DocumentStatus
from app.services import documents, queries
from benchmarks.einvoice_cii import cii
from benchmarks.einvoice_ubl import ubl
from tests.integration.conftest import Stack, new_practice
from tests.unit.extraction.einvoice_samples import (
    billion_laughs,
    external_entity,
    facturx_pdf,
    huge_xml,
    known_spec,
    printed_page,
)


def test_e_invoices_and_hostile_xml_through_the_pipeline(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(
        extraction_engine="app.extraction.engine:InvoiceEngine",
        extraction_time_limit_seconds=120,
        broker_visibility_timeout_seconds=300,
        sweep_stale_after_seconds=200,
        max_upload_bytes=64 * 1024 * 1024,
    )
    practice = new_practice(stack)
    spec = known_spec()
    uploads = {
        "facture.pdf": facturx_pdf(printed_page(spec), cii(spec, "en16931"), "en16931"),
        "avoir.xml": ubl(known_spec(credit=True), "peppol"),
        "bomb.xml": billion_laughs(),
        "xxe.xml": external_entity(),
        "huge.xml": huge_xml(50),
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
