"""Sniffing what an upload really is from its bytes. Real invoices come from the
invoice2data test set (MIT licence), read in place and never copied into the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.domain.filetypes import JPEG, PDF, PNG, TEXT, XML, decode_text, refusal, sniff, xml_root

INVOICES = Path(os.environ.get("DOSSIER_INVOICES_DIR", "/work/shared/data/invoices-dev"))


def invoices(pattern: str) -> list[object]:
    """One test parameter per sample invoice, or one skipped parameter when none is here."""
    paths = sorted(INVOICES.glob(pattern)) if INVOICES.is_dir() else []
    if not paths:
        reason = f"no sample invoices {pattern} in {INVOICES} (set DOSSIER_INVOICES_DIR)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(path, id=path.name) for path in paths]


@pytest.mark.parametrize("path", invoices("*.pdf"))
def test_real_pdf_invoices_are_pdfs(path: Path) -> None:
    assert sniff(path.read_bytes()) == PDF


@pytest.mark.parametrize("path", invoices("*.png"))
def test_real_png_scans_are_pngs(path: Path) -> None:
    assert sniff(path.read_bytes()) == PNG


@pytest.mark.parametrize("path", invoices("*.txt"))
def test_a_real_plain_text_invoice_is_text(path: Path) -> None:
    # Polish characters: UTF-8 well beyond ASCII.
    assert sniff(path.read_bytes()) == TEXT


def test_jpeg_by_its_magic_number() -> None:
    jfif = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    assert sniff(jfif + bytes(200)) == JPEG


def test_png_by_its_signature() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(50)) == PNG


def test_pdf_with_a_little_junk_before_its_header() -> None:
    assert sniff(b"\r\n\xef\xbb\xbf" + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100)) == PDF


def test_pdf_header_far_into_the_file_is_not_a_pdf() -> None:
    data = b"\x00" * 2048 + b"%PDF-1.4\n"

    assert sniff(data) is None


def test_plain_text() -> None:
    assert sniff("Total due: 42,00 €\nMerci de votre confiance.\n".encode()) == TEXT


def test_empty_bytes_are_nothing_readable() -> None:
    assert sniff(b"") is None


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,  # NUL bytes: binary
        b"MZ\x90\x00\x03\x00\x00\x00",  # an executable
        b"PK\x03\x04" + bytes(40),  # a zip archive
        b"\xff\xfe\xfd\xfc" * 100,  # no NUL, but not UTF-8 either
    ],
    ids=["all-bytes", "exe", "zip", "invalid-utf8"],
)
def test_binary_is_not_readable(data: bytes) -> None:
    assert sniff(data) is None


def test_text_whose_probe_ends_mid_character_is_still_text() -> None:
    # One ASCII byte then two-byte characters: the 8 KiB probe cuts the last one in half.
    data = b"a" + "é".encode() * 6000
    assert len(data) > 8192
    assert data[:8192][-1:] == "é".encode()[:1]

    assert sniff(data) == TEXT


def test_a_latin1_receipt_is_text_and_reads_as_windows_1252() -> None:
    data = "Café du Marché\nTotal TTC 12,50 €\nMerci, à bientôt\n".encode("cp1252") * 10
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    assert sniff(data) == TEXT
    assert decode_text(data).startswith("Café du Marché\nTotal TTC 12,50 €\n")


def test_utf8_is_read_as_utf8_and_its_byte_order_mark_dropped() -> None:
    assert decode_text("\ufeffCafé 12,50 €".encode()) == "Café 12,50 €"


def test_a_stray_byte_past_the_sniffed_head_keeps_the_text_utf8() -> None:
    data = "é".encode() * 5000 + b"\xff tail"
    assert sniff(data) == TEXT
    assert decode_text(data) == "é" * 5000 + "\ufffd tail"


@pytest.mark.parametrize(
    "data",
    [
        b"Invoice \x01\x02 total \xe9 12.00\n" * 10,  # control characters
        b"Invoice \x81 total \xe9 12.00\n" * 10,  # a byte Windows-1252 leaves undefined
        bytes(range(0x80, 0x100)).replace(b"\x81", b"").replace(b"\x8d", b"") * 4,  # all high
    ],
    ids=["controls", "undefined", "mostly-high"],
)
def test_invalid_utf8_that_is_no_one_byte_text_is_refused(data: bytes) -> None:
    assert sniff(data) is None


def test_only_the_whole_magic_number_counts() -> None:
    assert sniff(b"%PDF") == TEXT
    assert sniff(b"%PDF-") == PDF


CII = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:'
    b'unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:x">'
)


@pytest.mark.parametrize(
    "data",
    [
        CII,
        b"\xef\xbb\xbf" + CII,  # a byte-order mark
        CII.replace(b"?>\n", b"?>\n<!-- written by an ERP -->\n<?pi x?>\n"),
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">',
        b"<ubl:CreditNote xmlns:ubl='urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2'>",
        b'<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0">',
        CII.decode().replace("UTF-8", "UTF-16").encode("utf-16"),
    ],
    ids=["cii", "bom", "comments", "ubl", "ubl-credit-note", "zugferd-1", "utf-16"],
)
def test_e_invoice_xml_by_its_root(data: bytes) -> None:
    assert sniff(data) == XML


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?>\n<order><id>1</id></order>',
        b'<Invoice xmlns="urn:example:not-ubl"><ID>1</ID></Invoice>',
        b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    ],
    ids=["no-namespace", "invoice-of-another-standard", "svg"],
)
def test_other_xml_is_refused_with_its_root_named(data: bytes) -> None:
    assert sniff(data) is None
    reason = refusal(data)
    assert "not an e-invoice" in reason
    assert "UBL 2.1" in reason
    assert xml_root(data) is not None
    assert xml_root(data)[1] in reason  # type: ignore[index]


def test_html_stays_plain_text() -> None:
    assert sniff(b"<!DOCTYPE html>\n<html><body>Total 12.00 EUR</body></html>") == TEXT


def test_the_refusal_of_a_binary_names_what_is_read() -> None:
    assert "XML e-invoice" in refusal(b"MZ\x90\x00\x03")
