"""Receipts given as positioned text lines with their key fields, for `extraction_eval --boxes`.

A directory holds pairs of files with the same stem:

- `<stem>.txt` (or `.csv`): one text line per row, `x1,y1,x2,y2,x3,y3,x4,y4,text` - the
  four corners of the line's box in pixels, then its text, which may itself hold commas.
  This is the layout of the ICDAR 2019 SROIE task 1 and 3 files.
- `<stem>.json`: the expected fields, with SROIE's keys: `company`, `date`, `total`
  (`address` and other keys are ignored), and optionally `currency` (ISO 4217).

Each lines file becomes one Page of Boxes grouped into lines exactly as the OCR path
does (`app.extraction.layout.group_lines`); a box is the rectangle around its corners
and the page is as large as the boxes' extent. The field reader then sees perfect OCR
text: these cases measure the field rules, not the OCR.

The expected values are read the same way for every receipt:

- supplier (`company`): equal to the found supplier once both are normalised - case
  folded, accents dropped, dots and apostrophes removed ('A.B.C.' is 'ABC'), every other
  non-alphanumeric a space, spaces collapsed - and a trailing legal form dropped (SDN BHD,
  BHD, BERHAD, SENDIRIAN BERHAD, S/B, SDN). No other word may differ.
- date: day first, as on Malaysian receipts: `25/12/2018`, `25-12-18`, `25.12.2018`,
  `25 DEC 2018`, `25-DEC-2018`, `25/DEC/2018`; compared as ISO dates. A date in any other
  form is not scored (`unreadable_truths` counts them).
- total: the number in `total` once `RM`, `MYR`, `$`, spaces and thousands commas are
  removed; compared as a decimal (within half a cent).
- currency: `currency` when the JSON gives it; otherwise MYR when the receipt shows `RM`
  or `MYR` as a word of its own (`RM 5.40`, `RM5.40`, `AMT(RM)`), else not scored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.extraction.layout import Box, Page, group_lines

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_WRITTEN_DATE = re.compile(r"(\d{1,2})[\s/-]*([a-z]{3})[a-z]*\.?[\s/-]*(\d{4}|\d{2})")
_LEGAL_FORMS = ("sendirian berhad", "sdn bhd", "berhad", "bhd", "s b", "sdn")
_RINGGIT = re.compile(r"(?<![a-z])(?:rm|myr)(?![a-z])")


@dataclass(frozen=True)
class BoxCase:
    name: str
    page: Page
    truth: dict[str, Any]  # issuer, date (ISO), amount, currency: None when not scored


def read_box_cases(directory: Path) -> tuple[list[BoxCase], int]:
    """Every complete pair in the directory, by name; and how many dates could not be read."""
    cases: list[BoxCase] = []
    unreadable = 0
    for lines_path in sorted(directory.iterdir()):
        key_path = lines_path.with_suffix(".json")
        if lines_path.suffix.lower() not in {".txt", ".csv"} or not key_path.exists():
            continue
        text = lines_path.read_text(encoding="utf-8", errors="replace")
        boxes = parse_lines(text)
        truth = expected_fields(json.loads(key_path.read_text(encoding="utf-8")), text)
        unreadable += truth["date"] is None
        cases.append(BoxCase(lines_path.stem, page_of(boxes), truth))
    return cases, unreadable


def parse_lines(text: str) -> list[Box]:
    """Boxes from `x1,y1,...,x4,y4,text` rows; rows without eight numbers are skipped."""
    boxes = []
    for row in text.splitlines():
        parts = row.split(",", 8)
        if len(parts) < 9:
            continue
        try:
            corners = [float(part) for part in parts[:8]]
        except ValueError:
            continue
        xs, ys = corners[0::2], corners[1::2]
        boxes.append(Box(parts[8].strip(), min(xs), min(ys), max(xs), max(ys)))
    return boxes


def page_of(boxes: list[Box]) -> Page:
    width = max((box.right for box in boxes), default=1.0)
    height = max((box.bottom for box in boxes), default=1.0)
    return Page(0, width, height, group_lines(0, boxes))


def expected_fields(key: dict[str, Any], text: str) -> dict[str, Any]:
    """The eval's expected values from a SROIE-style key file and the receipt's text."""
    currency = key.get("currency")
    if currency is None and _RINGGIT.search(text.casefold()):
        currency = "MYR"
    day = truth_date(str(key.get("date") or ""))
    return {
        "issuer": key.get("company") or None,
        "date": day.isoformat() if day else None,
        "amount": truth_total(str(key.get("total") or "")),
        "currency": currency,
    }


def truth_date(text: str) -> dt.date | None:
    folded = text.strip().casefold()
    numeric = _NUMERIC_DATE.fullmatch(folded)
    written = _WRITTEN_DATE.fullmatch(folded)
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[3]), numeric[4]
    elif written and written[2] in _MONTHS:
        day, month, year = int(written[1]), _MONTHS[written[2]], written[3]
    else:
        return None
    try:
        return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    except ValueError:
        return None


def truth_total(text: str) -> str | None:
    plain = re.sub(r"rm|myr|[$\s,]", "", text.casefold())
    try:
        return str(Decimal(plain)) if plain else None
    except InvalidOperation:
        return None


def same_supplier(found: str, expected: str) -> bool:
    ours, theirs = normalised_name(found), normalised_name(expected)
    return bool(ours) and ours == theirs


def normalised_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", re.sub(r"[.']", "", folded)).split()
    text = " ".join(words)
    stripped = True
    while stripped:
        stripped = False
        for form in _LEGAL_FORMS:
            if text.endswith(" " + form):
                text, stripped = text[: -len(form) - 1], True
    return text
