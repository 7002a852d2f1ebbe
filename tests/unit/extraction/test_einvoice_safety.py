"""Hostile XML fails cleanly: a clear reason, at once, without expanding, fetching or
holding more than the file."""

from __future__ import annotations

import resource

import pytest

from app.domain.filetypes import PDF, XML, sniff
from app.errors import UnreadableDocument
from app.extraction.engine import InvoiceEngine
from benchmarks.einvoice_cii import cii
from tests.unit.extraction.einvoice_samples import (
    attached_pdf,
    billion_laughs,
    deep_xml,
    external_entity,
    huge_xml,
    known_spec,
    printed_page,
)

ENGINE = InvoiceEngine()


def refused(data: bytes, content_type: str = XML) -> str:
    with pytest.raises(UnreadableDocument) as caught:
        ENGINE.extract(data, content_type)
    return caught.value.message


def test_a_billion_laughs_is_refused_for_its_dtd_without_expanding() -> None:
    data = billion_laughs()
    assert sniff(data) == XML  # accepted as an upload: it is the extraction that refuses
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    reason = refused(data)

    assert "DTD" in reason
    # 10^9 'lol's would be gigabytes; the peak grew by nothing of the sort.
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "http://127.0.0.1:9/invoice.xml", "/etc/hostname"]
)
def test_an_external_entity_is_refused_and_never_fetched(target: str) -> None:
    assert "DTD" in refused(external_entity(target))


def test_a_dtd_in_utf16_is_refused_too() -> None:
    data = billion_laughs().decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')

    assert "DTD" in refused(data.encode("utf-16"))


def test_past_the_byte_check_the_parsed_tree_still_refuses_a_dtd(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defence in depth: with the byte check gone, the parser resolves no entity, loads
    nothing, and the DTD it met is refused."""
    from app.extraction.einvoice import xmlsafe

    monkeypatch.setattr(xmlsafe, "_DTD_MARKERS", [])

    for data in (external_entity(), billion_laughs()):
        with pytest.raises(UnreadableDocument, match=r"DTD|entity amplification"):
            xmlsafe.parse(data)


def test_a_50_mb_xml_is_refused_for_its_size_before_parsing() -> None:
    data = huge_xml(50)
    assert len(data) > 50 * 1024 * 1024

    reason = refused(data)

    assert "bytes" in reason
    assert f"{len(data):,}" in reason


def test_a_tree_too_deep_is_refused() -> None:
    assert "not well-formed" in refused(deep_xml(5000))


def test_xml_that_is_not_well_formed_says_so() -> None:
    data = cii(known_spec(), "en16931")[:-40]

    assert "not well-formed" in refused(data)


def test_an_e_invoice_root_with_nothing_in_it_is_unreadable() -> None:
    empty = b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'

    assert "no seller, number or total" in refused(empty)


def test_a_hostile_xml_attached_to_a_pdf_fails_the_document() -> None:
    pdf = attached_pdf(printed_page(known_spec()), billion_laughs(), "factur-x.xml")
    assert sniff(pdf) == PDF

    assert "DTD" in refused(pdf, PDF)


def test_a_flood_of_small_elements_is_refused_before_building_a_tree() -> None:
    """16 MB of '<a>1</a>' would be two million elements, half a gigabyte in lxml."""
    from tests.unit.extraction.einvoice_samples import CII_ROOT

    data = CII_ROOT.encode() + b"<a>1</a>" * 2_000_000 + b"</rsm:CrossIndustryInvoice>"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    reason = refused(data)

    assert "200,000 elements" in reason
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024


def test_an_invoice_of_thousands_of_lines_is_still_read() -> None:
    import dataclasses

    spec = known_spec()
    many = dataclasses.replace(spec, items=spec.items * 1500, adjustments=[])

    result = ENGINE.extract(cii(many, "en16931"), XML)

    assert len(result.fields["lines"]) == 3000
