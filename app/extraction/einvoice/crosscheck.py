"""The printed page against the XML. A PDF can carry an XML that is not the invoice on its
page (a template left in, the wrong file attached): the XML wins, and the document says
on which fields the two disagree."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from app.extraction.einvoice.model import MAIN_FIELDS

_LEGAL_FORMS = re.compile(
    r"\b(?:sa|sas|sasu|sarl|eurl|sca|scs|snc|gmbh|ag|kg|ohg|ug|ev|bv|nv|ltd|limited|plc|llp"
    r"|inc|llc|corp|co|srl|spa|sl|oy|ab|as|aps)\b"
)


def disagreements(page: dict[str, Any], xml: dict[str, Any]) -> list[str]:
    """The main fields the page gives and where its value is not the XML's. A field the
    page reader did not find is no disagreement: the page is read by guessing."""
    return [
        name
        for name in MAIN_FIELDS
        if page.get(name) is not None
        and xml.get(name) is not None
        and not _same(name, page[name], xml[name])
    ]


def warning(page: dict[str, Any], fields: list[str]) -> str:
    shown = ", ".join(f"{name} {page[name]!r}" for name in fields)
    return (
        f"The printed page and the embedded XML disagree on {', '.join(fields)} "
        f"(the page reads {shown}); the XML's values are kept."
    )


def _same(name: str, page: Any, xml: Any) -> bool:
    if name == "total":
        return _amounts_agree(str(page), str(xml))
    if name == "supplier":
        ours, theirs = _words(str(page)), _words(str(xml))
        return bool(ours and theirs) and (ours <= theirs or theirs <= ours)
    if name == "invoice_number":
        return _plain(str(page)) == _plain(str(xml))
    return str(page) == str(xml)


def _amounts_agree(page: str, xml: str) -> bool:
    """Within half a cent, the sign aside: a page may not show that it is a credit note."""
    try:
        return abs(abs(Decimal(page)) - abs(Decimal(xml))) <= Decimal("0.005")
    except InvalidOperation:
        return False


def _words(name: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    return set(_LEGAL_FORMS.sub(" ", re.sub(r"[^a-z0-9 ]", " ", folded.replace(".", ""))).split())


def _plain(number: str) -> str:
    return re.sub(r"[\s#:]", "", number).casefold()
