"""The default engine for now: the text layer of PDFs (pypdfium2) and plain text."""

from __future__ import annotations

import time

import pypdfium2 as pdfium

from app.domain.filetypes import PDF, TEXT, decode_text
from app.errors import UnreadableDocument
from app.extraction import ExtractionResult


class TextLayerEngine:
    name = "text-layer"

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        started = time.perf_counter()
        if content_type == PDF:
            text = _pdf_text(data)
        elif content_type == TEXT:
            text = decode_text(data)
        else:
            raise UnreadableDocument(
                f"The {self.name} engine reads PDFs with a text layer and plain text, "
                f"not {content_type}."
            )
        if not text.strip():
            raise UnreadableDocument("The document holds no readable text.")
        fields = {"pages": text.count("\f") + 1, "characters": len(text)}
        return ExtractionResult(self.name, text, fields, time.perf_counter() - started)


def _pdf_text(data: bytes) -> str:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise UnreadableDocument(f"The PDF cannot be opened: {error}.") from error
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return "\f".join(pages)
    finally:
        document.close()
