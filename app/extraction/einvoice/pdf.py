"""The XML inside a PDF: Factur-X and ZUGFeRD are PDF/A-3 files with the invoice attached
under a name their specifications fix; XRechnung may travel the same way."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject

from app.domain.filetypes import EINVOICE_ROOTS, SNIFF_BYTES, xml_root

log = logging.getLogger(__name__)
# What pypdf raises on a damaged or hostile file.
_PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError)

# Attachment name (case folded) -> the engine suffix that says what was read.
KNOWN_NAMES = {
    "factur-x.xml": "factur-x",
    "zugferd-invoice.xml": "zugferd",  # ZUGFeRD 2.0 and 1.0's "ZUGFeRD-invoice.xml"
    "xrechnung.xml": "xrechnung",
}


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    data: bytes
    kind: str  # "factur-x", "zugferd", "xrechnung", or "pdf" for another name


def embedded_xml(data: bytes) -> Attachment | None:
    """The e-invoice attached to the PDF `data`, or None: none attached, or a PDF pypdf
    cannot open (the page reader then says what is wrong with it)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        attachments = reader.attachments
        names = list(attachments)
    except _PDF_ERRORS as error:
        log.debug("no attachments read: %s", error)
        return None
    found = _first_einvoice(names, lambda name: _contents(attachments, name))
    if found is None and not names:
        # Some writers list the XML only among the document's associated files (/AF, as
        # PDF/A-3 asks), not in the embedded-files name tree pypdf reads.
        associated = _associated_files(reader)
        found = _first_einvoice(list(associated), lambda name: [associated[name]])
    return found


def _first_einvoice(names: list[str], contents: Callable[[str], list[bytes]]) -> Attachment | None:
    known = sorted((n for n in names if n.casefold() in KNOWN_NAMES), key=_preference)
    others = [n for n in names if n.casefold().endswith(".xml") and n not in known]
    for name in known + others:
        for content in contents(name):
            if xml_root(content[:SNIFF_BYTES]) in EINVOICE_ROOTS:
                return Attachment(name, content, KNOWN_NAMES.get(name.casefold(), "pdf"))
    return None


def _associated_files(reader: PdfReader) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        catalog = cast(DictionaryObject, reader.trailer["/Root"].get_object())
        for reference in catalog.get("/AF") or []:
            spec = reference.get_object()
            embedded = spec["/EF"].get_object()
            stream = (embedded.get("/UF") or embedded["/F"]).get_object()
            files[str(spec.get("/UF") or spec.get("/F") or "")] = stream.get_data()
    except _PDF_ERRORS as error:
        log.info("associated files cannot be read: %s", error)
    return files


def _preference(name: str) -> int:
    return list(KNOWN_NAMES).index(name.casefold())


def _contents(attachments: Mapping[str, list[bytes]], name: str) -> list[bytes]:
    try:
        return list(attachments[name])
    except _PDF_ERRORS as error:
        log.info("attachment %s cannot be read: %s", name, error)
        return []
