"""Dates in numeric and written forms (English, French, German, Dutch, Spanish, Italian)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier janv januar janner januari enero ene gennaio gen",
        "february feb fevrier fevr fev februar februari febrero febbraio",
        "march mar mars marz mrz maart mrt marzo",
        "april apr avril avr abril abr aprile",
        "may mai mei mayo maggio mag",
        "june jun juin juni junio giugno giu",
        "july jul juillet juil juli julio luglio lug",
        "august aug aout augustus agosto ago",
        "september sep sept septembre septiembre setiembre settembre set",
        "october oct octobre oktober okt octubre ottobre ott",
        "november nov novembre noviembre",
        "december dec decembre dezember dez diciembre dic dicembre",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?P<year>\d{4}|'?\d{2})(?!\d)"
_PATTERNS = (
    # 2024-03-05, 2024/03/05
    re.compile(r"(?<![\d.])(?P<year>\d{4})[-/.](?P<b>\d{1,2})[-/.](?P<a>\d{1,2})(?!\d)"),
    # 05/03/2024, 5.3.24, 8-9-2022 (day or month first: decided per document)
    re.compile(rf"(?<![\d./])(?P<a>\d{{1,2}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?P=sep){_YEAR}"),
    # 19 april 2014, 7. Mai 2014, 1er juillet 2015, 12-Jan-24, 07/SEP/2019, 4 de febrero
    # de 2024 (and OCR's '1, November')
    re.compile(
        rf"(?<![\d])(?P<a>\d{{1,2}})(?:st|nd|rd|th|er|e|\.|,)?\s*(?:de\s+|[-/])?"
        rf"(?P<month>{_MONTH})(?![a-z])\.?,?(?:\s+de)?[\s/-]*{_YEAR}"
    ),
    # August 3, 2014 / Jan 1, 2022
    re.compile(
        rf"(?<![a-z])(?P<month>{_MONTH})(?![a-z])\.?\s*(?P<a>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"\s*,?\s*(?P<year>\d{{4}})(?!\d)"
    ),
)
_CONNECTOR = r"(?:-|au|to|bis|tot|t/m|until|jusqu'au)"
_RANGE_RE = re.compile(rf"\s*{_CONNECTOR}\s*")
# The start of a period may lack its year ('July 1 - July 31, 2014').
_OPEN_RANGE_RE = re.compile(rf"\d(?:er|st|nd|rd|th)?\.?\s*{_CONNECTOR}\s*$")
_FIRST_YEAR, _LAST_YEAR = 1990, 2099
# What each pattern cannot match without, looked for first (most lines hold none of
# them): every date has a year of two or four digits; the first and the last pattern
# need four digits in a row, the last two a month's name at the end of a word.
_TWO_DIGITS = re.compile(r"\d\d")
_FOUR_DIGITS = re.compile(r"\d{4}")
_MONTH_WORD = re.compile(rf"(?:{_MONTH})(?![a-z])")


@dataclass(frozen=True, slots=True)
class DateMatch:
    start: int
    end: int
    first: int  # day, or month in a US-style numeric date
    second: int
    year: int
    written: bool  # a month name, so no day/month ambiguity
    in_range: bool = False  # one end of a period ('01.05.14-31.05.14')

    def when(self, month_first: bool) -> dt.date | None:
        day, month = self.first, self.second
        if not self.written and (self.second > 12 or (month_first and self.first <= 12)):
            day, month = self.second, self.first
        try:
            return dt.date(self.year, month, day)
        except ValueError:
            return None

    @property
    def order_hint(self) -> bool | None:
        """True if only month-first reads, False if only day-first reads, else None."""
        if self.written or (self.first > 12) == (self.second > 12):
            return None
        return self.second > 12


def find_dates(folded: str) -> list[DateMatch]:
    """Every plausible date in a folded line, left to right, without overlaps."""
    if not _TWO_DIGITS.search(folded):  # most lines: no pattern can match
        return []
    four = _FOUR_DIGITS.search(folded) is not None
    month = _MONTH_WORD.search(folded) is not None
    needed = (four, True, month, four and month)
    found: list[DateMatch] = []
    for pattern, possible in zip(_PATTERNS, needed, strict=True):
        if not possible:
            continue
        for match in pattern.finditer(folded):
            date = _build(match)
            if date and not any(_overlap(date, other) for other in found):
                found.append(date)
    found.sort(key=lambda d: d.start)
    return [_mark_range(date, found, folded) for date in found]


def _build(match: re.Match[str]) -> DateMatch | None:
    groups = match.groupdict()
    year = _year(groups["year"])
    if year is None:
        return None
    month_name = groups.get("month")
    if month_name:
        first, second, written = int(groups["a"]), _MONTHS[month_name], True
    else:
        first, second, written = int(groups["a"]), int(groups["b"]), False
        if groups.get("sep") is None:  # year first: always year, month, day
            first, second, written = int(groups["a"]), int(groups["b"]), True
    candidate = DateMatch(match.start(), match.end(), first, second, year, written)
    if candidate.when(False) is None and candidate.when(True) is None:
        return None
    return candidate


def _year(text: str) -> int | None:
    digits = text.lstrip("'")
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 90 else 1900
    return year if _FIRST_YEAR <= year <= _LAST_YEAR else None


def _overlap(a: DateMatch, b: DateMatch) -> bool:
    return a.start < b.end and b.start < a.end


def _mark_range(date: DateMatch, found: list[DateMatch], folded: str) -> DateMatch:
    for other in found:
        if other is date:
            continue
        gap = folded[date.end : other.start] if other.start >= date.end else ""
        before = folded[other.end : date.start] if date.start >= other.end else ""
        if (gap and _RANGE_RE.fullmatch(gap)) or (before and _RANGE_RE.fullmatch(before)):
            return _as_range(date)
    if _OPEN_RANGE_RE.search(folded[max(0, date.start - 12) : date.start]):
        return _as_range(date)
    return date


def _as_range(date: DateMatch) -> DateMatch:
    return DateMatch(date.start, date.end, date.first, date.second, date.year, date.written, True)
