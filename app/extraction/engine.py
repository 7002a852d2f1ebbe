"""Dossier's extraction engine: PDF text layers, OCR for photos and scans, then fields.

Select it with DOSSIER_EXTRACTION_ENGINE=app.extraction.engine:InvoiceEngine (the learned
reader, the default) or app.extraction.engine:RuleEngine (the hand-written rules alone).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from PIL import Image

from app.domain.filetypes import JPEG, PDF, PNG, TEXT, decode_text
from app.errors import UnreadableDocument
from app.extraction import ExtractionResult, einvoice
from app.extraction.fields import read_fields, read_registered_name
from app.extraction.layout import Box, Page, group_lines, page_from_text
from app.extraction.learned.reader import read_learned
from app.extraction.ocr import decode_image, recognise, recognise_upright
from app.extraction.pdf import open_pdf, page_boxes, page_images, readable_share, render_page

# A page with fewer visible characters than this in its text layer is a scan (or a
# scan with a stray page number): it is rendered and read by OCR instead.
MIN_TEXT_LAYER_CHARS = 25
# ... and so is a page whose text layer is mostly glyph codes without Unicode meaning.
MIN_READABLE_SHARE = 0.7
# OCR costs seconds per page; the pages after these are read only from their text layer.
MAX_OCR_PAGES = 5
# Plain text beyond this is an export or a log, not a receipt: only its head is read.
MAX_TEXT_BYTES = 512 * 1024
# Invoices and receipts put their fields on the first pages; the rest of a 300-page
# upload is annexes.
MAX_PAGES = 50


class InvoiceEngine:
    """Reads PDFs, JPEG/PNG photos and plain text; fields as in `app.extraction.learned`."""

    name = "invoice"

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        started = time.perf_counter()
        if not data:
            raise UnreadableDocument("The document is empty.")
        # E-invoices (an XML attached to a PDF, or the XML alone) are read from the XML.
        attached = einvoice.find(data, content_type)
        if attached is not None:
            return einvoice.extract(attached, data, _printed_page, started)
        if content_type == PDF:
            pages, source = _read_pdf(data)
        elif content_type in (JPEG, PNG):
            pages, source = [_read_image(data)], "ocr"
        elif content_type == TEXT:
            # NUL past the sniffed head would break PostgreSQL's text column.
            decoded = decode_text(data[:MAX_TEXT_BYTES]).replace("\x00", "")
            pages, source = [page_from_text(decoded)], "text"
        else:
            raise UnreadableDocument(
                f"Dossier reads PDFs, JPEG and PNG images and plain text, not {content_type}."
            )
        text = "\f".join("\n".join(line.text for line in page.lines) for page in pages)
        if not text.strip():
            raise UnreadableDocument("No text could be read from the document.")
        fields = self.read(pages)
        if fields["supplier"] is None and source == "text-layer":
            _name_from_pictures(data, fields)
        fields["pages"] = len(pages)
        return ExtractionResult(
            f"{self.name}/{source}", text, fields, time.perf_counter() - started
        )

    def read(self, pages: Sequence[Page]) -> dict[str, Any]:
        return read_learned(pages)


class RuleEngine(InvoiceEngine):
    """The hand-written rules of `app.extraction.fields` alone, as before the learned
    reader: kept to measure against."""

    name = "invoice-rules"

    def read(self, pages: Sequence[Page]) -> dict[str, Any]:
        return read_fields(pages)


def _printed_page(data: bytes) -> tuple[str, dict[str, Any]]:
    """An e-invoice PDF's page, read as any PDF, to compare with its XML."""
    pages, _ = _read_pdf(data)
    fields = read_fields(pages)
    fields["pages"] = len(pages)
    return "\f".join("\n".join(line.text for line in page.lines) for page in pages), fields


def _read_pdf(data: bytes) -> tuple[list[Page], str]:
    pages: list[Page] = []
    ocr_pages = 0
    with open_pdf(data) as document:
        for number in range(min(len(document), MAX_PAGES)):
            page = document[number]
            try:
                width, height, boxes = page_boxes(page)
                if _needs_ocr(boxes) and ocr_pages < MAX_OCR_PAGES:
                    ocr_pages += 1
                    pages.append(_ocr_page(number, render_page(page)))
                else:
                    pages.append(Page(number, width, height, group_lines(number, boxes)))
            finally:
                page.close()
    if ocr_pages == 0:
        return pages, "text-layer"
    return pages, "ocr" if ocr_pages == len(pages) else "text-layer+ocr"


def _needs_ocr(boxes: list[Box]) -> bool:
    visible = sum(len(box.text.strip()) for box in boxes)
    return visible < MIN_TEXT_LAYER_CHARS or readable_share(boxes) < MIN_READABLE_SHARE


def _name_from_pictures(data: bytes, fields: dict[str, Any]) -> None:
    """Some issuers print their name and company numbers only inside a picture (a
    letterhead, a footer): with no supplier in the text layer, the first page's wide
    pictures are read by OCR, and a registered name there (one with a legal form) is
    the supplier. Costs OCR time only on those documents."""
    boxes: list[Box] = []
    with open_pdf(data) as document:
        page = document[0]
        try:
            width, height = (float(side) for side in page.get_size())
            for image, (left, top, right, bottom) in page_images(page):
                x_scale, y_scale = (right - left) / image.width, (bottom - top) / image.height
                boxes += [
                    Box(b.text, left + b.left * x_scale, top + b.top * y_scale,
                        left + b.right * x_scale, top + b.bottom * y_scale)
                    for b in recognise(image)
                ]  # fmt: skip
        finally:
            page.close()
    if boxes:
        supplier = read_registered_name([Page(0, width, height, group_lines(0, boxes))])
        fields["supplier"] = supplier.value
        fields["confidence"]["supplier"] = supplier.confidence


def _read_image(data: bytes) -> Page:
    return _ocr_page(0, decode_image(data))


def _ocr_page(number: int, image: Image.Image) -> Page:
    upright, boxes = recognise_upright(image)
    return Page(number, float(upright.width), float(upright.height), group_lines(number, boxes))
