"""The printed page against the XML. A PDF can carry an XML that is not the invoice on its
page (a template left in, the wrong file attached): the XML wins, and the document says
on which fields the two disagree.

A field disagrees when the page reader found another value *and* the XML's value is
printed nowhere on the page: the page reader guesses, and a wrong guess beside the right
value in print is no disagreement.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.extraction.einvoice.model import MAIN_FIELDS

_LEGAL_FORMS = re.compile(
    r"\b(?:sa|sas|sasu|sarl|eurl|sca|scs|snc|gmbh|ag|kg|ohg|ug|ev|bv|nv|ltd|limited|plc|llp"
    r"|inc|llc|corp|co|srl|spa|sl|oy|ab|as|aps)\b"
)
# An amount as pages print it: 1234.56, 1,234.56, 1.234,56, 1 234,56, 1'234.56.
_AMOUNT = re.compile(r"\d{1,3}(?:[.,'\s\u00a0\u202f]\d{3})+[.,]\d{2}\b|\d+[.,]\d{2}\b")
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


def disagreements(page: dict[str, Any], xml: dict[str, Any], text: str) -> list[str]:
    """The main fields where the page reader read another value than the XML's and the
    page text does not show the XML's. A field the page reader did not find is none."""
    return [
        name
        for name in MAIN_FIELDS
        if page.get(name) is not None
        and xml.get(name) is not None
        and not _same(name, page[name], xml[name])
        and not _printed(name, xml[name], text)
    ]


def warning(page: dict[str, Any], fields: list[str]) -> str:
    shown = ", ".join(f"{name} {page[name]!r}" for name in fields)
    return (
        f"The printed page and the embedded XML disagree on {', '.join(fields)} "
        f"(the page reads {shown}); the XML's values are kept."
    )


def _same(name: str, page: Any, xml: Any) -> bool:
    if name == "total":
        return _amount(str(page)) == _amount(str(xml))
    if name == "supplier":
        ours, theirs = _words(str(page)), _words(str(xml))
        return bool(ours and theirs) and (ours <= theirs or theirs <= ours)
    if name == "invoice_number":
        return _plain(str(page)) == _plain(str(xml))
    return str(page) == str(xml)


def _printed(name: str, value: Any, text: str) -> bool:
    if name == "total":
        wanted = _amount(str(value))
        return any(_amount(found) == wanted for found in _AMOUNT.findall(text))
    if name == "supplier":
        # Half the name's words: a page may print the trading name ('Lemoine') of the
        # legal name in the XML ('Atelier Verrier Lemoine SARL').
        words = _words(str(value))
        return bool(words) and 2 * len(words & _words(text)) >= len(words)
    if name == "invoice_number":
        return _plain(str(value)) in _plain(text)
    if name == "date":
        return _date_printed(date.fromisoformat(str(value)), text)
    return str(value) in text or _SYMBOLS.get(str(value), "\0") in text  # currency


def _amount(text: str) -> Decimal | None:
    """The value of a printed amount, its sign aside (a page may not show that it is a
    credit note); the last separator is the decimal one."""
    digits = re.sub(r"[^\d.,]", "", text)
    whole, _, fraction = digits.replace(",", ".").rpartition(".")
    try:
        return abs(Decimal(f"{whole.replace('.', '') or '0'}.{fraction}"))
    except InvalidOperation:
        return None


def _date_printed(value: date, text: str) -> bool:
    d, m, y = value.day, value.month, value.year
    numeric = rf"0?{d}[./-]0?{m}[./-](?:{y}|{y % 100:02d})|{y}[./-]0?{m}[./-]0?{d}|0?{m}/0?{d}/{y}"
    # '3 novembre 2026', '3. November 2026': any word as the month, in any language.
    spelled = rf"\b0?{d}\.?\s+\w+\.?,?\s+{y}\b|\b\w+\.?\s+0?{d},?\s+{y}\b"
    return re.search(rf"(?:\b(?:{numeric})\b)|{spelled}", text) is not None


def _words(name: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    return set(_LEGAL_FORMS.sub(" ", re.sub(r"[^a-z0-9 ]", " ", folded.replace(".", ""))).split())


def _plain(number: str) -> str:
    return re.sub(r"[\s#:]", "", number).casefold()
