"""Each line read once: its labels, amounts and dates, and where labels point."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from app.extraction.fields.amounts import Amount, find_amounts
from app.extraction.fields.dates import DateMatch, find_dates
from app.extraction.fields.labels import Kind, Label, find_labels
from app.extraction.fields.text import fold
from app.extraction.layout import Line, Page

# A column header labels values at most this many lines below it.
_COLUMN_DEPTH = 3
# Values found under a header are a little less certain than those beside a label.
COLUMN_DISCOUNT = 0.8
# Hard caps that keep every later step bounded whatever the upload holds (docs/extraction.md,
# "Bounded work"). A document's lines beyond the first MAX_ROWS are not read: 50 pages of
# 100 lines. Lines are cut at MAX_LINE_CHARS characters when they are built (layout.py).
# A line gives at most MAX_VALUES_PER_LINE amounts and as many dates: a row of an item
# table has a handful.
MAX_ROWS = 5000
MAX_VALUES_PER_LINE = 24


@dataclass(frozen=True, slots=True)
class Row:
    index: int
    line: Line
    folded: str
    labels: tuple[Label, ...]
    amounts: tuple[Amount, ...]
    dates: tuple[DateMatch, ...]
    # 0 at the top of its page's text, 1 at the bottom: a receipt photographed on a table
    # starts well below the top of the picture.
    position: float

    @property
    def text(self) -> str:
        return self.line.text

    def labels_between(self, start: int, end: int, kinds: Collection[Kind]) -> list[Label]:
        return [lb for lb in self.labels if lb.kind in kinds and start <= lb.start < end]


def read_rows(pages: Sequence[Page]) -> list[Row]:
    rows: list[Row] = []
    for page in pages:
        top = min((line.top for line in page.lines), default=0.0)
        height = max((line.bottom for line in page.lines), default=0.0) - top
        for line in page.lines[: MAX_ROWS - len(rows)]:
            folded = fold(line.text)
            dates = find_dates(folded)[:MAX_VALUES_PER_LINE]
            # Dates are blanked first: '01.05.14' is not the amount 1.05.
            masked = _blank(folded, [(d.start, d.end) for d in dates])
            rows.append(
                Row(
                    index=len(rows),
                    line=line,
                    folded=folded,
                    labels=tuple(find_labels(folded)),
                    amounts=tuple(find_amounts(masked)[:MAX_VALUES_PER_LINE]),
                    dates=tuple(dates),
                    position=(line.top - top) / height if height > 0 else 0.0,
                )
            )
    return rows


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    if not spans:
        return text  # most lines: no date
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def column_labels(
    rows: Sequence[Row], row: Row, start: int, end: int, kinds: Collection[Kind]
) -> list[Label]:
    """Labels of a header printed above the value (start, end) in the same column,
    the best aligned first."""
    left, right = row.line.span(start, end)
    slack = row.line.height
    for above in reversed(rows[max(0, row.index - _COLUMN_DEPTH) : row.index]):
        if above.line.page != row.line.page:
            break
        if row.line.top - above.line.bottom > 4 * row.line.height:
            break
        hits = [
            label
            for label in above.labels
            if label.kind in kinds
            and _overlap(above.line.span(label.start, label.end), (left, right), slack)
        ]
        if hits:
            centre = (left + right) / 2
            return sorted(hits, key=lambda lb: abs(_centre(above.line, lb) - centre))
    return []


def _centre(line: Line, label: Label) -> float:
    left, right = line.span(label.start, label.end)
    return (left + right) / 2


def label_on_line_above(rows: Sequence[Row], row: Row, kinds: Collection[Kind]) -> Label | None:
    """A lone label on the line right above a lone value: 'Montant à payer' then, on the
    next line and not aligned with it, '23,40 €'."""
    if row.index == 0 or len(row.amounts) + len(row.dates) != 1:
        return None
    above = rows[row.index - 1]
    if above.line.page != row.line.page or above.amounts or above.dates:
        return None
    if row.line.top - above.line.bottom > 1.5 * row.line.height:
        return None
    labels = [label for label in above.labels if label.kind in kinds]
    return labels[0] if len(labels) == 1 else None


def column_values(rows: Sequence[Row], row: Row, label: Label) -> list[tuple[Row, str]]:
    """Phrases on the line right under a header label, in its column: (row, text)."""
    if row.index + 1 >= len(rows):
        return []
    below = rows[row.index + 1]
    if below.line.page != row.line.page or below.line.top - row.line.bottom > 2 * row.line.height:
        return []
    left, right = row.line.span(label.start, label.end)
    return [
        (below, phrase.text)
        for phrase in below.line.phrases()
        if _overlap((phrase.left, phrase.right), (left, right), 0.0)
    ]


def _overlap(a: tuple[float, float], b: tuple[float, float], slack: float) -> bool:
    return a[0] <= b[1] + slack and b[0] <= a[1] + slack
