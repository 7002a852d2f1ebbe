"""Parsing XML that strangers wrote: no DTD, no entities, no network, bounded size and depth.

An e-invoice never needs a DTD, so one is refused outright: DTDs are how entity-expansion
("billion laughs") and external-entity attacks come in. libxml2 without its "huge" option
also caps the depth of the tree (256 levels) and the length of one text node (10 MB).
"""

from __future__ import annotations

from lxml import etree

from app.errors import UnreadableDocument

# Real e-invoices are kilobytes; a few hundred lines with attachments stay far below this.
MAX_XML_BYTES = 16 * 1024 * 1024
# A parsed element costs lxml about 250 bytes: this caps a tree near 50 MB. An invoice of
# 5,000 lines has some 150,000 elements; big files are big for their attachments (base64
# text, cheap to hold), not for their elements.
MAX_ELEMENTS = 200_000
# A DTD's markers in the encodings XML files come in (UTF-8 covers ASCII and Latin-1).
_DTD_MARKERS = [
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]


def parse(data: bytes) -> etree._Element:
    """The root element of `data`, or `UnreadableDocument` saying what was wrong."""
    if len(data) > MAX_XML_BYTES:
        raise UnreadableDocument(
            f"The e-invoice XML is {len(data):,} bytes; Dossier reads e-invoice XML of up to "
            f"{MAX_XML_BYTES:,} bytes."
        )
    if any(marker in data for marker in _DTD_MARKERS):
        raise _dtd_refused()
    # Counted before parsing, at memchr speed: each element has a start and an end tag.
    if data.count(b"<") > 2 * MAX_ELEMENTS + 10:
        raise UnreadableDocument(
            f"The e-invoice XML has more than {MAX_ELEMENTS:,} elements; Dossier reads "
            "e-invoices of up to that many."
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise UnreadableDocument(f"The e-invoice XML is not well-formed: {error}.") from error
    # Should the byte check miss a DTD (another encoding), the parsed tree tells.
    if root.getroottree().docinfo.internalDTD is not None:
        raise _dtd_refused()
    return root


def _dtd_refused() -> UnreadableDocument:
    return UnreadableDocument(
        "The XML declares a DTD (<!DOCTYPE> or <!ENTITY>). E-invoices never do, and Dossier "
        "does not read DTDs: they carry entity-expansion and external-entity attacks."
    )
