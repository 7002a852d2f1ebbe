"""The XML inside a PDF: Factur-X and ZUGFeRD are PDF/A-3 files with the invoice attached
under a name their specifications fix; XRechnung may travel the same way."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from app.domain.filetypes import EINVOICE_ROOTS, xml_root

log = logging.getLogger(__name__)

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
        attachments = PdfReader(io.BytesIO(data), strict=False).attachments
        names = list(attachments)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        log.debug("no attachments read: %s", error)
        return None
    known = sorted((n for n in names if n.casefold() in KNOWN_NAMES), key=_preference)
    others = [n for n in names if n.casefold().endswith(".xml") and n not in known]
    for name in known + others:
        for content in _contents(attachments, name):
            root = xml_root(content[:8192])
            if root in EINVOICE_ROOTS:
                return Attachment(name, content, KNOWN_NAMES.get(name.casefold(), "pdf"))
    return None


def _preference(name: str) -> int:
    return list(KNOWN_NAMES).index(name.casefold())


def _contents(attachments: Mapping[str, list[bytes]], name: str) -> list[bytes]:
    try:
        return list(attachments[name])
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        log.info("attachment %s cannot be read: %s", name, error)
        return []
