"""E-invoices read exactly from their XML: Factur-X, ZUGFeRD 1.0 and 2.x, XRechnung inside a
PDF, and standalone CII or UBL 2.1 files.

`find(data, content_type)` says whether a document is one; `extract(...)` reads it. The
fields are those of the page reader (supplier, date, total, tax, currency,
invoice_number, confidence: 1.0 for every value the XML gives) plus the e-invoice's own:
net, amount_due, due_date, seller_vat_id, buyer, type_code, profile, iban, vat_breakdown,
lines, syntax, and `warnings` (values that could not be read, the page disagreeing).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from app.domain.filetypes import EINVOICE_ROOTS, PDF, XML
from app.errors import UnreadableDocument
from app.extraction import ExtractionResult
from app.extraction.einvoice import crosscheck, xmlsafe
from app.extraction.einvoice.cii import read_cii
from app.extraction.einvoice.pdf import embedded_xml
from app.extraction.einvoice.ubl import read_ubl

__all__ = ["PageReader", "Source", "extract", "find"]

# Reads the printed page of a PDF: its text and the page reader's fields.
PageReader = Callable[[bytes], tuple[str, dict[str, Any]]]
# Text nodes longer than this are embedded files (base64), not words to search.
_MAX_TEXT_NODE = 2000


@dataclass(frozen=True, slots=True)
class Source:
    xml: bytes
    kind: str  # "xml" standalone; "factur-x", "zugferd", "xrechnung" or "pdf" attached


def find(data: bytes, content_type: str) -> Source | None:
    if content_type == XML:
        return Source(data, "xml")
    if content_type == PDF:
        attachment = embedded_xml(data)
        return Source(attachment.data, attachment.kind) if attachment else None
    return None


def extract(source: Source, data: bytes, read_page: PageReader, started: float) -> ExtractionResult:
    """The fields from the XML; for a PDF, the page read too and compared."""
    root = xmlsafe.parse(source.xml)
    qname = etree.QName(root)
    if (qname.namespace, qname.localname) not in EINVOICE_ROOTS:
        raise UnreadableDocument(f"The XML's root element {qname.text} is not an e-invoice.")
    invoice = read_ubl(root) if qname.localname in {"Invoice", "CreditNote"} else read_cii(root)
    fields = invoice.fields()
    if not any(fields[name] for name in ("supplier", "invoice_number", "total")):
        raise UnreadableDocument("The e-invoice XML gives no seller, number or total.")
    if source.kind == "xml":
        text = "\n".join([*_summary(fields), "", *_words(root)])
        engine = "einvoice/ubl" if invoice.syntax == "ubl" else "einvoice/cii"
    else:
        # A page with no text (a scan OCR could not read) still leaves the XML's words.
        text = _check_page(data, read_page, fields) or "\n".join(_summary(fields))
        engine = f"einvoice/{source.kind}"
    return ExtractionResult(engine, text, fields, time.perf_counter() - started)


def _check_page(data: bytes, read_page: PageReader, fields: dict[str, Any]) -> str:
    try:
        text, page = read_page(data)
    except UnreadableDocument as error:
        fields["warnings"].append(f"The printed page could not be read: {error.message}")
        return ""
    fields["pages"] = page.get("pages")
    differ = crosscheck.disagreements(page, fields, text)
    if differ:
        fields["disagreements"] = {name: page[name] for name in differ}
        fields["warnings"].append(crosscheck.warning(page, differ))
    return text


def _summary(fields: dict[str, Any]) -> list[str]:
    """The invoice in a few readable lines, ahead of the XML's words in the text kept."""
    currency = fields["currency"] or ""
    lines = [
        fields["supplier"] or "",
        f"Invoice {fields['invoice_number'] or ''} of {fields['date'] or ''}".strip(),
        *(
            f"{line['description']}: {line['quantity']} x {line['unit_price']} = "
            f"{line['net_amount']}"
            for line in fields["lines"]
        ),
    ]
    for label, key in (("Net", "net"), ("VAT", "tax"), ("Total", "total")):
        if fields[key] is not None:
            lines.append(f"{label} {fields[key]} {currency}")
    return lines


def _words(root: etree._Element) -> list[str]:
    texts = (str(text).strip() for text in root.itertext())
    return [text for text in texts if text and len(text) <= _MAX_TEXT_NODE]
