"""E-invoices over HTTP: XML uploads accepted by their root, other XML refused with 415,
and the document view giving the lines and VAT breakdown once extracted."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import Runtime
from app.extraction.engine import InvoiceEngine
from app.services import extraction
from benchmarks.einvoice_cii import cii
from benchmarks.einvoice_ubl import ubl
from tests.api.conftest import World, document_count, upload
from tests.api.fakes import FakeWorker
from tests.unit.extraction.einvoice_samples import billion_laughs, known_spec

LIMITS = extraction.ExtractionLimits(max_attempts=3, claim_lease=timedelta(minutes=5))


def extracted(client: TestClient, world: World, runtime: Runtime, worker: FakeWorker,
              data: bytes, filename: str, content_type: str) -> dict[str, object]:  # fmt: skip
    """Upload, let the gatekeeper pass it, extract it here, and return the document view."""
    status, body = upload(
        client, world, "staff_a", world.shared, data, filename=filename, content_type=content_type
    )
    assert status == 202, body
    worker.drain()
    document_id = uuid.UUID(str(body["id"]))
    extraction.extract(runtime.uow(), runtime.blobs, InvoiceEngine(), document_id, LIMITS)
    response = client.get(f"/v1/documents/{document_id}", headers=world.auth("staff_a"))
    assert response.status_code == 200
    document: dict[str, object] = response.json()
    return document


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [("facture.xml", "application/xml"), ("facture.xml", "text/xml"), ("upload", "text/plain")],
)
def test_a_ubl_invoice_upload_gives_exact_fields_lines_and_vat(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker,
    filename: str, content_type: str,
) -> None:  # fmt: skip
    document = extracted(client, world, runtime, worker, ubl(known_spec()), filename, content_type)

    assert document["status"] == "extracted"
    assert document["content_type"] == "application/xml"
    assert document["engine"] == "einvoice/ubl"
    fields = document["fields"]
    assert isinstance(fields, dict)
    assert (fields["supplier"], fields["total"], fields["net"]) == (
        "Atelier Verrier Lemoine SARL",
        "331.47",
        "279.84",
    )
    assert (fields["amount_due"], fields["due_date"]) == ("231.47", "2026-12-03")
    assert fields["lines"][0] == {
        "number": "1",
        "description": "Conseil en organisation",
        "quantity": "3",
        "unit": "HUR",
        "unit_price": "85.00",
        "net_amount": "255.00",
        "vat_category": "S",
        "vat_rate": "20",
    }
    assert [row["rate"] for row in fields["vat_breakdown"]] == ["5.5", "20"]
    assert fields["warnings"] == []


def test_a_cii_credit_note_upload_is_negative(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    xml = cii(known_spec(credit=True), "en16931")
    document = extracted(client, world, runtime, worker, xml, "avoir.xml", "application/xml")

    fields = document["fields"]
    assert isinstance(fields, dict)
    assert document["engine"] == "einvoice/cii"
    assert (fields["total"], fields["tax"], fields["type_code"]) == ("-331.47", "-51.63", "381")


def test_hostile_xml_is_accepted_then_fails_with_its_reason(
    client: TestClient, world: World, runtime: Runtime, worker: FakeWorker
) -> None:
    document = extracted(
        client, world, runtime, worker, billion_laughs(), "bomb.xml", "application/xml"
    )

    assert document["status"] == "failed"
    assert document["reason"] == "unreadable_document"
    assert "DTD" in str(document["message"])


def test_other_xml_is_refused_with_415_and_its_reason(
    client: TestClient, world: World, runtime: Runtime
) -> None:
    order = b'<?xml version="1.0"?>\n<Order xmlns="urn:example:orders"><ID>7</ID></Order>'

    status, body = upload(
        client, world, "staff_a", world.shared, order, filename="order.xml",
        content_type="application/xml",
    )  # fmt: skip

    assert status == 415
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "unsupported_file_type"
    assert "{urn:example:orders}Order" in error["message"]
    assert "not an e-invoice" in error["message"]
    assert document_count(runtime, world.shared) == 0


def test_the_document_schema_types_lines_and_vat_breakdown(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    fields = schemas["FieldsOut"]["properties"]
    assert "InvoiceLineOut" in str(fields["lines"])
    assert "VatBreakdownOut" in str(fields["vat_breakdown"])
    assert set(schemas["InvoiceLineOut"]["properties"]) >= {"quantity", "unit_price", "vat_rate"}
