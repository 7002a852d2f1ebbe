"""Money amounts in running text, with either decimal separator and an optional currency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.extraction.fields.currency import MARKER_PATTERN, code_of
from app.extraction.fields.text import starting_with

_NUMBER = r"""
    (?P<number>
        \d{1,3}(?P<group>[.,'])\d{3}(?:(?P=group)\d{3})*(?:[.,]\d{1,2})?
      | \d{1,3}(?P<spaced>\ )\d{3}(?:\ \d{3})*(?:,\d{1,2})?(?![.\d])
      | \d+(?:[.,]\d{1,2})?
      | (?<![^\s(])\.\d{2}(?!\d)
    )
"""
_AMOUNT = rf"""
    (?:(?P<before>{MARKER_PATTERN})\ ?)?
    (?P<sign>-\ ?)?
    (?:(?P<before2>{MARKER_PATTERN})\ ?)?
    {_NUMBER}
    (?:\ ?(?P<after>{MARKER_PATTERN})(?!\ ?-?\d))?
    (?![\w%]|[.,]\d|\ %|\ ?[.,]\d)
    """
_AMOUNT_RE = re.compile(
    # A letter may touch the amount ('Total12,50': OCR drops spaces); digits may not.
    # Tried only where an amount's first character stands (a marker, a sign, a digit).
    r"(?<![\d.,/\-_])" + starting_with(_AMOUNT, re.VERBOSE) + _AMOUNT,
    re.VERBOSE,
)
_DIGIT = re.compile(r"\d")
# A price per unit right after an amount (and its currency): '/l', ' / kWh'.
_PER_UNIT = re.compile(r"\s?/\s?(?:l|lt|ltr|litre|liter|kwh|kg|m3|h|st|pc|pcs|gal)(?![a-z])")
# Integers this long are ids, phone or account numbers, never a receipt's total.
_MAX_INTEGER_DIGITS = 9


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    start: int
    end: int
    currency: str | None
    # Exactly two decimals: how money is printed, unlike quantities or ids.
    cents: bool


def parse_amount(text: str) -> Decimal | None:
    """'1.234,56' -> 1234.56, '1,234.56' -> 1234.56, '1 234,5' -> 1234.5, '12' -> 12."""
    match = re.fullmatch(_NUMBER, text.strip().replace("\u00a0", " "), re.VERBOSE)
    return _value(match.group("number"), _group(match)) if match else None


def _group(match: re.Match[str]) -> str | None:
    return match.group("group") or match.group("spaced")


def _value(number: str, group: str | None) -> Decimal | None:
    if number.startswith("."):  # '.45': a till's change or tax without its leading zero
        number = "0" + number
    integer, decimals = number, ""
    if len(number) >= 3 and number[-3] in ".," and number[-3] != group:
        integer, decimals = number[:-3], number[-2:]
    elif len(number) >= 2 and number[-2] in ".," and number[-2] != group:
        integer, decimals = number[:-2], number[-1:]
    if group:
        if any(len(part) != 3 for part in integer.split(group)[1:]):
            return None  # '1.234.56': neither grouping nor decimals
        integer = integer.replace(group, "")
    if not integer.isdigit() or len(integer) > _MAX_INTEGER_DIGITS:
        return None
    try:
        return Decimal(f"{integer}.{decimals}" if decimals else integer)
    except InvalidOperation:
        return None


def find_amounts(folded: str) -> list[Amount]:
    """Amounts that look like money: two decimals, or a currency marker next to them."""
    if not _DIGIT.search(folded):  # many lines: every amount has a digit
        return []
    found = []
    for match in _AMOUNT_RE.finditer(folded):
        group = _group(match)
        value = _value(match.group("number"), group)
        if value is None:
            continue
        marker = match.group("before") or match.group("before2") or match.group("after")
        cents = _has_cents(match.group("number"), group)
        if not cents and marker is None:
            continue
        if not cents and group in (".", ",") and _PER_UNIT.match(folded, match.end()):
            value = _unit_price(match.group("number"), group, value)
        if match.group("sign"):
            value = -value
        found.append(Amount(value, match.start(), match.end(), code_of(marker or ""), cents))
    return found


def _unit_price(number: str, group: str, value: Decimal) -> Decimal:
    """A price per litre or kWh printed with three decimals (*1,936 EUR/l*): its one
    separator is the decimal mark, not a thousands' (no one sells a litre for 1,936)."""
    whole, _, decimals = number.partition(group)
    if decimals.isdigit() and len(decimals) == 3 and group not in decimals:
        return Decimal(f"{whole}.{decimals}")
    return value


def _has_cents(number: str, group: str | None) -> bool:
    return len(number) >= 3 and number[-3] in ".," and number[-3] != group


def money(value: Decimal) -> str:
    """The one way amounts leave the engine: a string with two decimals."""
    return str(value.quantize(Decimal("0.01")))
