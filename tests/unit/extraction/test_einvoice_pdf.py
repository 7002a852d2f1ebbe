"""PDFs carrying their e-invoice: Factur-X written by the factur-x library, XRechnung and
ZUGFeRD 1.0 attached with pypdf. The XML wins; the page is read and compared."""

from __future__ import annotations

import dataclasses

import pytest

from app.domain.filetypes import PDF, sniff
from app.extraction.engine import InvoiceEngine
from benchmarks.einvoice_cii import cii
from benchmarks.einvoice_ubl import ubl
from benchmarks.einvoice_zugferd1 import zugferd1
from tests.unit.extraction.einvoice_samples import (
    attached_pdf,
    facturx_pdf,
    known_spec,
    printed_page,
)

ENGINE = InvoiceEngine()


def extract(pdf: bytes) -> tuple[str, dict[str, object]]:
    assert sniff(pdf) == PDF
    result = ENGINE.extract(pdf, PDF)
    return result.engine, result.fields


@pytest.mark.parametrize("profile", ["minimum", "basicwl", "basic", "en16931", "extended"])
def test_a_factur_x_pdf_is_read_from_its_xml(profile: str) -> None:
    spec = known_spec()
    pdf = facturx_pdf(printed_page(spec), cii(spec, profile), profile)

    engine, fields = extract(pdf)

    assert engine == "einvoice/factur-x"
    assert (fields["supplier"], fields["date"], fields["total"]) == (
        "Atelier Verrier Lemoine SARL",
        "2026-11-03",
        "331.47",
    )
    assert (fields["currency"], fields["invoice_number"]) == ("EUR", "FA-2026-0042")
    assert fields["pages"] == 1
    assert fields["warnings"] == []
    assert "disagreements" not in fields


def test_the_page_text_is_kept_as_the_document_text() -> None:
    spec = known_spec()
    result = ENGINE.extract(facturx_pdf(printed_page(spec), cii(spec, "basic"), "basic"), PDF)

    assert "Invoice No. FA-2026-0042" in result.text


@pytest.mark.parametrize(
    ("name", "write", "engine"),
    [
        ("xrechnung.xml", lambda spec: cii(spec, "xrechnung"), "einvoice/xrechnung"),
        ("ZUGFeRD-invoice.xml", zugferd1, "einvoice/zugferd"),
        ("zugferd-invoice.xml", lambda spec: cii(spec, "en16931"), "einvoice/zugferd"),
        ("rechnung.xml", lambda spec: ubl(spec), "einvoice/pdf"),
    ],
)
def test_other_attachment_names(name: str, write: object, engine: str) -> None:
    spec = known_spec()
    pdf = attached_pdf(printed_page(spec), write(spec), name)  # type: ignore[operator]

    found_engine, fields = extract(pdf)

    assert found_engine == engine
    assert (fields["total"], fields["invoice_number"]) == ("331.47", "FA-2026-0042")


def test_a_pdf_whose_page_is_another_invoice_warns_and_keeps_the_xml() -> None:
    spec = known_spec()
    other = dataclasses.replace(
        spec, seller="Brauhaus Kessler GmbH", number="RE-7781", currency="EUR",
        items=spec.items[:1], adjustments=[], prepaid=spec.prepaid,
    )  # fmt: skip
    pdf = facturx_pdf(printed_page(other), cii(spec, "en16931"), "en16931")

    _, fields = extract(pdf)

    assert (fields["supplier"], fields["total"]) == ("Atelier Verrier Lemoine SARL", "331.47")
    assert fields["invoice_number"] == "FA-2026-0042"
    disagreements = fields["disagreements"]
    assert isinstance(disagreements, dict)
    assert {"supplier", "total", "invoice_number"} <= set(disagreements)
    assert "date" not in disagreements  # both say 3 November 2026
    warnings = fields["warnings"]
    assert isinstance(warnings, list)
    assert len(warnings) == 1
    assert "supplier" in warnings[0]
    assert "total" in warnings[0]
    assert "XML's values are kept" in warnings[0]


def test_a_page_reader_guess_beside_the_printed_value_is_no_disagreement() -> None:
    """The page prints the XML's total; the page reader picked another amount: the page
    does not contradict the XML, so no warning."""
    from app.extraction.einvoice.crosscheck import disagreements

    page = {"total": "100.00", "supplier": None}
    xml = {"total": "-331.47", "supplier": "Atelier"}

    assert disagreements(page, xml, "Sous-total 100,00\nTotal TTC 331,47 EUR") == []
    assert disagreements(page, xml, "Sous-total 100,00\nTotal TTC 300,00 EUR") == ["total"]


def test_a_pdf_with_an_unrelated_xml_attachment_is_read_from_its_page() -> None:
    spec = known_spec()
    pdf = attached_pdf(printed_page(spec), b"<?xml version='1.0'?><order/>", "factur-x.xml")

    engine, fields = extract(pdf)

    assert engine.startswith("invoice/")
    assert "lines" not in fields


def test_a_plain_pdf_still_goes_to_the_page_reader(invoice_pdf: bytes) -> None:
    engine, fields = extract(invoice_pdf)

    assert engine == "invoice/text-layer"
    assert "warnings" not in fields


def test_an_xml_listed_only_among_the_associated_files_is_found() -> None:
    from tests.unit.extraction.einvoice_samples import associated_only_pdf

    spec = known_spec()
    pdf = associated_only_pdf(printed_page(spec), cii(spec, "basic"), "factur-x.xml")
    assert b"/EmbeddedFiles" not in pdf

    engine, fields = extract(pdf)

    assert engine == "einvoice/factur-x"
    assert fields["total"] == "331.47"


@pytest.mark.parametrize(
    ("field", "page_value", "xml_value", "text"),
    [
        ("supplier", "Facturé à Dupont", "Atelier Verrier Lemoine SARL", "LEMOINE Verrier\n"),
        ("date", "2026-12-03", "2026-11-03", "Date : 03.11.2026"),
        ("date", "2026-12-03", "2026-11-03", "Issued 2026/11/03"),
        ("date", "2026-12-03", "2026-11-03", "le 3 novembre 2026"),
        ("date", "2026-12-03", "2026-11-03", "November 3, 2026"),
        ("total", "20.00", "1234.50", "Total 1.234,50 €"),
        ("total", "20.00", "1234.50", "Total $1,234.50"),
        ("invoice_number", "2026", "FA-2026-0042", "Facture n° FA - 2026 - 0042"),
        ("currency", "USD", "EUR", "Total 12,00 €"),
    ],
)
def test_the_xml_value_in_print_is_no_disagreement(
    field: str, page_value: str, xml_value: str, text: str
) -> None:
    from app.extraction.einvoice.crosscheck import disagreements

    assert disagreements({field: page_value}, {field: xml_value}, text) == []
    assert disagreements({field: page_value}, {field: xml_value}, "nothing here") == [field]
