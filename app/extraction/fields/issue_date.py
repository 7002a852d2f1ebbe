"""The issue date: every date scored by its labels ('invoice date' beats 'due date')."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.extraction.fields.dates import DateMatch
from app.extraction.fields.document import (
    COLUMN_DISCOUNT,
    Row,
    column_labels,
    label_on_line_above,
)
from app.extraction.fields.labels import Kind, Label

_DATE_KINDS = {Kind.ISSUE_DATE, Kind.DUE_DATE, Kind.OTHER_DATE}
_SIGN = {Kind.ISSUE_DATE: 1.0, Kind.DUE_DATE: -1.0, Kind.OTHER_DATE: -1.0}


@dataclass(frozen=True, slots=True)
class IssueDate:
    value: dt.date | None
    confidence: float


def read_issue_date(rows: Sequence[Row], dollars: bool) -> IssueDate:
    """`dollars`: with no other evidence, '03/04/2024' reads as March 4 (US style)."""
    found = [(row, date) for row in rows for date in row.dates]
    if not found:
        return IssueDate(None, 0.0)
    month_first = month_first_order([date for _, date in found], dollars)
    values = [date.when(month_first) for _, date in found]
    repeats = Counter(value for value in values if value is not None)
    scored: list[tuple[float, int, dt.date]] = []
    for rank, ((row, date), value) in enumerate(zip(found, values, strict=True)):
        if value is None:
            continue
        score = _label_score(rows, row, date)
        score += 0.5 / (rank + 1) + 0.3 * min(repeats[value] - 1, 2)
        if date.in_range:
            score -= 2.0
        scored.append((score, rank, value))
    if not scored:
        return IssueDate(None, 0.0)
    score, _, value = max(scored, key=lambda item: (item[0], -item[1]))
    return IssueDate(value, round(min(0.95, max(0.2, 0.4 + 0.15 * score)), 2))


def month_first_order(dates: Sequence[DateMatch], dollars: bool) -> bool:
    """Whether the document writes its dates month first (03/04 is March 4)."""
    hints = [date.order_hint for date in dates if date.order_hint is not None]
    if hints:
        return hints.count(True) > hints.count(False)
    return dollars


def _label_score(rows: Sequence[Row], row: Row, date: DateMatch) -> float:
    previous_end = max((d.end for d in row.dates if d.end <= date.start), default=0)
    labels: list[Label] = row.labels_between(previous_end, date.start, _DATE_KINDS)
    discount = 1.0
    if not labels:
        labels = column_labels(rows, row, date.start, date.end, _DATE_KINDS)
        lone = label_on_line_above(rows, row, _DATE_KINDS)
        labels = labels or ([lone] if lone else [])
        discount = COLUMN_DISCOUNT
    return discount * sum(_SIGN[label.kind] * label.weight for label in labels)
