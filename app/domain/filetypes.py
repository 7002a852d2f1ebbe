"""What an upload really is, from its first bytes (the name and the claimed type lie)."""

from __future__ import annotations

import re

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TEXT = "text/plain"
# E-invoices only (CII, UBL): any other XML is refused, `refusal` says why.
XML = "application/xml"

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_TEXT_PROBE_BYTES = 8192
# How much of a file `sniff` reads: callers holding only the start of an upload keep this.
SNIFF_BYTES = _TEXT_PROBE_BYTES

# The roots of the e-invoices Dossier reads: (namespace, local name) -> what it is.
EINVOICE_ROOTS = {
    ("urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100", "CrossIndustryInvoice"): (
        "UN/CEFACT CII"
    ),
    ("urn:ferd:CrossIndustryDocument:invoice:1p0", "CrossIndustryDocument"): "ZUGFeRD 1.0 CII",
    ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "Invoice"): "UBL 2.1 Invoice",
    ("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", "CreditNote"): (
        "UBL 2.1 CreditNote"
    ),
}
_NAME = r"[A-Za-z_][\w.\-]*"
# The prolog (declaration, comments, processing instructions, a doctype with its internal
# subset) and then the root's start tag, attributes quoted as XML quotes them.
_ROOT = re.compile(
    r"\A\s*(?:<\?xml\b.*?\?>)?(?:\s+|<!--.*?-->|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*"
    rf"<((?:{_NAME}:)?{_NAME})((?:[^>\"']|\"[^\"]*\"|'[^']*')*)/?>",
    re.S,
)
_NAMESPACE = re.compile(rf"\bxmlns(?::({_NAME}))?\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def sniff(data: bytes) -> str | None:
    """The content type of `data`, or None when it is none Dossier can read."""
    head = data[:1024]
    for magic, content_type in _MAGIC:
        # PDF writers may put a little junk before the header; the spec allows 1 KiB.
        if content_type == PDF and magic in head:
            return PDF
        if head.startswith(magic):
            return content_type
    root = xml_root(data[:_TEXT_PROBE_BYTES])
    if root is not None:
        return XML if root in EINVOICE_ROOTS else None
    return TEXT if _looks_like_text(data[:_TEXT_PROBE_BYTES]) else None


def refusal(data: bytes) -> str:
    """Why `sniff` refused `data`, in words for the person who uploaded it."""
    root = xml_root(data[:_TEXT_PROBE_BYTES])
    if root is not None:
        namespace, name = root
        shown = f"{{{namespace}}}{name}" if namespace else name or "not found"
        return (
            f"This XML file is not an e-invoice Dossier reads (its root element is {shown}). "
            "Dossier reads UN/CEFACT CII (Factur-X, ZUGFeRD, XRechnung) and UBL 2.1 "
            "Invoice and CreditNote XML."
        )
    return "This file is not a PDF, JPEG, PNG, plain-text document or XML e-invoice."


def xml_root(head: bytes) -> tuple[str, str] | None:
    """(namespace, local name) of the root element when `head` starts an XML document:
    one with an XML declaration, or whose first element declares a namespace (HTML does
    neither and stays text). ('', '') for a declaration with no root in sight."""
    text = _decoded(head)
    if text is None:
        return None
    match = _ROOT.match(text)
    declared = text.lstrip().startswith("<?xml")
    if match is None:
        return ("", "") if declared else None
    prefix, _, name = match.group(1).rpartition(":")
    namespaces = {
        found.group(1) or "": found.group(2) or found.group(3) or ""
        for found in _NAMESPACE.finditer(match.group(2))
    }
    if not declared and not namespaces:
        return None
    return namespaces.get(prefix, ""), name


def _decoded(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as some XML writers save it
        return head.decode("utf-16", errors="ignore")
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    return text if text.lstrip().startswith("<") else None


def decode_text(data: bytes) -> str:
    """A plain-text document's characters. UTF-8 (a byte-order mark dropped) when its
    head is UTF-8, as `sniff` judged it, a stray byte further on replaced; otherwise
    Windows-1252, which till and accounting exports still write (Latin-1's letters
    included), the few bytes 1252 leaves undefined replaced by U+FFFD."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= _TEXT_PROBE_BYTES - 3 or error.reason == "unexpected end of data":
            return data.decode("utf-8-sig", errors="replace")
        return data.decode("cp1252", errors="replace")


# Control characters no one-byte text file holds: all but tab, line feed, form feed,
# carriage return and escape (receipt printers' exports keep their codes).
_BINARY_BYTES = (frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}) | {0x7F}
_UNDEFINED_1252 = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def _looks_like_text(probe: bytes) -> bool:
    if not probe or b"\x00" in probe:
        return False
    try:
        probe.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the probe's end is still text.
        if error.start < len(probe) - 3:
            return _single_byte_text(probe)
    return True


def _single_byte_text(probe: bytes) -> bool:
    """Text in a one-byte encoding (Windows-1252, Latin-1): mostly ASCII letters, digits
    and punctuation, as any European receipt or invoice is, with no control characters
    and no byte 1252 leaves undefined (binary files have plenty of both)."""
    if not _BINARY_BYTES.isdisjoint(probe) or not _UNDEFINED_1252.isdisjoint(probe):
        return False
    high = sum(1 for byte in probe if byte >= 0x80)
    return high * 4 <= len(probe)
