"""Standalone e-invoice XML (CII, ZUGFeRD 1.0, UBL) read exactly by the default engine."""

from __future__ import annotations

from typing import Any

import facturx
import pytest

from app.domain.filetypes import XML, sniff
from app.extraction.engine import InvoiceEngine
from benchmarks.einvoice_cii import PREFIXES as CII_PREFIXES
from benchmarks.einvoice_cii import cii
from benchmarks.einvoice_ubl import PREFIXES as UBL_PREFIXES
from benchmarks.einvoice_ubl import ubl
from benchmarks.einvoice_zugferd1 import zugferd1
from tests.unit.extraction.einvoice_samples import known_spec

ENGINE = InvoiceEngine()
MAIN = {
    "supplier": "Atelier Verrier Lemoine SARL",
    "date": "2026-11-03",
    "total": "331.47",
    "tax": "51.63",
    "currency": "EUR",
    "invoice_number": "FA-2026-0042",
    "net": "279.84",
    "amount_due": "231.47",
    "due_date": "2026-12-03",
    "seller_vat_id": "FR61512345678",
    "buyer": "Dupont Fournitures SAS",
    "type_code": "380",
    "iban": "FR7630006000011234567890189",
}
BREAKDOWN = [
    {"category": "S", "rate": "5.5", "basis": "29.94", "tax": "1.65", "exemption_reason": None},
    {"category": "S", "rate": "20", "basis": "249.90", "tax": "49.98", "exemption_reason": None},
]
LINES = [
    {"number": "1", "description": "Conseil en organisation", "quantity": "3", "unit": "HUR",
     "unit_price": "85.00", "net_amount": "255.00", "vat_category": "S", "vat_rate": "20"},
    {"number": "2", "description": "Farine T65", "quantity": "12", "unit": "KGM",
     "unit_price": "2.4950", "net_amount": "29.94", "vat_category": "S", "vat_rate": "5.5"},
]  # fmt: skip


def read(xml: bytes) -> tuple[str, dict[str, Any]]:
    assert sniff(xml) == XML
    result = ENGINE.extract(xml, XML)
    return result.engine, result.fields


def _numbers_equal(rows: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """ZUGFeRD 1.0 writers pad rates and quantities ('20.00', '3.0000'): same numbers."""
    from decimal import Decimal

    for row, want in zip(rows, expected, strict=True):
        for key, value in want.items():
            if value is not None and key in {"rate", "quantity", "unit_price", "vat_rate"}:
                assert Decimal(row[key]) == Decimal(value), key
            else:
                assert row[key] == value, key


@pytest.mark.parametrize("prefixes", range(len(CII_PREFIXES)))
def test_cii_en16931_gives_every_field_exactly(prefixes: int) -> None:
    engine, fields = read(cii(known_spec(), "en16931", prefixes))

    assert engine == "einvoice/cii"
    assert {key: fields[key] for key in MAIN} == MAIN
    assert fields["vat_breakdown"] == BREAKDOWN
    assert fields["lines"] == LINES
    assert fields["profile"] == "urn:cen.eu:en16931:2017"
    assert set(fields["confidence"].values()) == {1.0}
    assert fields["warnings"] == []


def test_more_decimals_than_two_are_kept_not_rounded() -> None:
    _, fields = read(cii(known_spec(), "extended", decimals=4))

    assert fields["total"] == "331.47"  # 331.4700 is the same amount
    assert fields["lines"][1]["unit_price"] == "2.4950"


def test_a_minimum_profile_has_totals_and_no_lines() -> None:
    _, fields = read(cii(known_spec(), "minimum"))

    assert (fields["total"], fields["tax"], fields["net"]) == ("331.47", "51.63", "279.84")
    assert fields["amount_due"] == "231.47"
    assert fields["lines"] == []
    assert fields["vat_breakdown"] == []


def test_a_cii_credit_note_gives_negative_amounts() -> None:
    _, fields = read(cii(known_spec(credit=True), "en16931"))

    assert fields["type_code"] == "381"
    assert (fields["total"], fields["tax"], fields["net"]) == ("-331.47", "-51.63", "-279.84")
    assert fields["amount_due"] == "-331.47"
    assert [row["tax"] for row in fields["vat_breakdown"]] == ["-1.65", "-49.98"]
    assert [line["net_amount"] for line in fields["lines"]] == ["-255.00", "-29.94"]
    assert fields["lines"][0]["quantity"] == "3"  # quantities and prices keep their sign


def test_the_tax_total_in_the_accounting_currency_is_not_the_invoice_tax() -> None:
    spec = known_spec()
    spec.tax_currency, spec.tax_rate_to_tax_currency = "USD", known_spec().net / 100
    xml = cii(spec, "en16931")
    assert xml.count(b"TaxTotalAmount currencyID") == 2

    _, fields = read(xml)

    assert (fields["tax"], fields["currency"]) == ("51.63", "EUR")


def test_zugferd_1_cross_industry_document() -> None:
    engine, fields = read(zugferd1(known_spec()))

    assert engine == "einvoice/cii"
    assert fields["syntax"] == "zugferd-1"
    assert {key: fields[key] for key in MAIN} == MAIN
    _numbers_equal(fields["vat_breakdown"], BREAKDOWN)
    _numbers_equal(fields["lines"], LINES)


@pytest.mark.parametrize("prefixes", range(len(UBL_PREFIXES)))
def test_ubl_invoice_gives_every_field_exactly(prefixes: int) -> None:
    engine, fields = read(ubl(known_spec(), "peppol", prefixes))

    assert engine == "einvoice/ubl"
    assert {key: fields[key] for key in MAIN} == MAIN
    assert fields["vat_breakdown"] == BREAKDOWN
    assert fields["lines"] == LINES


def test_ubl_credit_note_gives_negative_amounts_and_its_due_date() -> None:
    _, fields = read(ubl(known_spec(credit=True), "xrechnung"))

    assert (fields["total"], fields["tax"], fields["amount_due"]) == (
        "-331.47",
        "-51.63",
        "-331.47",
    )
    assert fields["due_date"] == "2026-12-03"
    assert [line["net_amount"] for line in fields["lines"]] == ["-255.00", "-29.94"]


def test_ubl_seller_is_the_legal_name_not_the_trading_name() -> None:
    xml = ubl(known_spec(), "en16931")
    assert b"<cbc:Name>Atelier</cbc:Name>" in xml  # the trading name the writer puts first

    assert read(xml)[1]["supplier"] == "Atelier Verrier Lemoine SARL"


def test_a_value_that_is_not_a_number_is_a_warning_not_a_guess() -> None:
    xml = cii(known_spec(), "en16931").replace(b">331.47<", b">331,47 EUR<")

    _, fields = read(xml)

    assert fields["total"] is None
    assert fields["confidence"]["total"] == 0.0
    assert any("GrandTotalAmount" in warning for warning in fields["warnings"])


def test_the_text_is_the_words_of_the_xml() -> None:
    result = ENGINE.extract(ubl(known_spec(), "peppol"), XML)

    assert "Atelier Verrier Lemoine SARL" in result.text
    assert "<" not in result.text


@pytest.mark.parametrize(
    ("write", "flavor"),
    [
        (lambda: cii(known_spec(), "en16931", 2), "factur-x"),
        (lambda: cii(known_spec(credit=True), "extended", 1), "factur-x"),
        (lambda: zugferd1(known_spec()), "zugferd"),
        (lambda: ubl(known_spec(), "peppol", 2), "ubl-2.1-invoice"),
        (lambda: ubl(known_spec(credit=True), "xrechnung", 1), "ubl-2.1-creditnote"),
    ],
    ids=["cii", "cii-credit", "zugferd-1", "ubl", "ubl-credit"],
)
def test_the_test_invoices_are_valid_against_their_schemas(write: Any, flavor: str) -> None:
    """The builders write what the standards' XSDs (shipped with factur-x) accept."""
    assert facturx.xml_check_xsd(write(), flavor=flavor)


def test_a_credit_note_written_with_negative_amounts_stays_negative() -> None:
    """Some producers negate a 381's amounts themselves: not turned positive again."""
    xml = cii(known_spec(credit=True), "en16931")
    for amount in (b"331.47", b"51.63", b"279.84", b"255.00"):
        xml = xml.replace(b">" + amount + b"<", b">-" + amount + b"<")

    _, fields = read(xml)

    assert (fields["total"], fields["tax"], fields["net"]) == ("-331.47", "-51.63", "-279.84")
    assert fields["lines"][0]["net_amount"] == "-255.00"
