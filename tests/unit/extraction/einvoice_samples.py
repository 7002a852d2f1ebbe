"""E-invoices for tests, written here: one known invoice in every syntax, its PDFs, and
hostile XML. The builders are the benchmark's (benchmarks/einvoice_*.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import pairwise

from benchmarks.einvoice_sets import attached_pdf, facturx_pdf, printed_page
from benchmarks.einvoice_spec import Adjustment, Item, Spec

__all__ = ["attached_pdf", "facturx_pdf", "known_spec", "printed_page"]

CII_ROOT = (
    '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
    'CrossIndustryInvoice:100">'
)


def known_spec(*, credit: bool = False) -> Spec:
    """Two VAT rates, an allowance, a charge, a prepayment: every total differs.

    lines 3 h x 85.00 = 255.00 (20 %), 12 x 2.4950 = 29.94 (5.5 %); allowance 15.00 on
    20 %, charge 9.90 on 20 %: basis 249.90 at 20 % (tax 49.98) and 29.94 at 5.5 % (tax
    1.65); net 279.84, tax 51.63, total 331.47, prepaid 100.00, due 231.47.
    """
    return Spec(
        number="FA-2026-0042",
        issue=dt.date(2026, 11, 3),
        due=dt.date(2026, 12, 3),
        currency="EUR",
        seller="Atelier Verrier Lemoine SARL",
        seller_vat="FR61512345678",
        seller_country="FR",
        buyer="Dupont Fournitures SAS",
        iban="FR7630006000011234567890189",
        items=[
            Item("Conseil en organisation", Decimal("3"), "HUR", Decimal("85.00"), Decimal("20")),
            Item("Farine T65", Decimal("12"), "KGM", Decimal("2.4950"), Decimal("5.5")),
        ],
        adjustments=[
            Adjustment(False, Decimal("15.00"), "Remise fidélité", Decimal("20")),
            Adjustment(True, Decimal("9.90"), "Frais de port", Decimal("20")),
        ],
        prepaid=Decimal("0") if credit else Decimal("100.00"),
        type_code="381" if credit else "380",
    )


def billion_laughs() -> bytes:
    """Each entity ten of the one before: &lol9; would expand to 10^9 'lol's."""
    names = ["lol", *(f"lol{i}" for i in range(1, 10))]
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY {name} "{f"&{before};" * 10}">' for before, name in pairwise(names)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rsm:CrossIndustryInvoice [{entities}]>\n'
        f"{CII_ROOT}<rsm:ExchangedDocument>&lol9;</rsm:ExchangedDocument>"
        "</rsm:CrossIndustryInvoice>"
    ).encode()


def external_entity(target: str = "file:///etc/passwd") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "{target}">]>\n'
        f"{CII_ROOT}<rsm:ExchangedDocument>&xxe;</rsm:ExchangedDocument>"
        "</rsm:CrossIndustryInvoice>"
    ).encode()


def huge_xml(megabytes: int = 50) -> bytes:
    """A CII root, then a comment-free wall of elements: `megabytes` MB in all."""
    filler = b"<rsm:Note>" + b"x" * 1000 + b"</rsm:Note>\n"
    body = filler * (megabytes * 1024 * 1024 // len(filler) + 1)
    return b'<?xml version="1.0"?>\n' + CII_ROOT.encode() + body + b"</rsm:CrossIndustryInvoice>"


def deep_xml(depth: int = 5000) -> bytes:
    return CII_ROOT.encode() + b"<a>" * depth + b"</a>" * depth + b"</rsm:CrossIndustryInvoice>"


def associated_only_pdf(page: bytes, xml: bytes, name: str) -> bytes:
    """The XML among the catalog's associated files (/AF) only, with no embedded-files
    name tree, as some PDF/A-3 writers leave it."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
    from pypdf.generic import TextStringObject as Text

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page)))
    stream = DecodedStreamObject()
    stream.set_data(xml)
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): Text(name),
            NameObject("/UF"): Text(name),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
        }
    )
    writer._root_object[NameObject("/AF")] = ArrayObject([writer._add_object(spec)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
