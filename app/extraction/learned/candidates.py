"""Candidates for the learned reader: every amount and every date on the page, each with
the features the model weighs (docs/extraction.md, "The learned reader").

Every step is linear in the rows read (`fields.document` caps rows, characters per line and
values per line); the document-wide look-ups are dictionaries and sets, never pairs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from app.extraction.fields.amounts import Amount
from app.extraction.fields.document import Row
from app.extraction.fields.labels import Kind
from app.extraction.learned.lexicon import GROUPS, groups_in

# At most this many candidates of each type are scored: the first and the last half of
# the document in reading order (totals close the last page, dates open the first).
MAX_CANDIDATES = 400
# Characters of context read left of a value, on its line and on the lines around it.
_CONTEXT_CHARS = 48
_VAT_RATES = tuple(Decimal(r) / 100 for r in ("20", "19", "21", "22", "10", "7", "9", "5.5", "6"))
# (1 + rate, rate) per rate, worked out once rather than for every amount.
_RATE_FACTORS = tuple((1 + rate, rate) for rate in _VAT_RATES)
# The same as floats, for the quick test that rules most look-ups out (`_arithmetic`).
_FLOAT_FACTORS = tuple((float(gross), float(rate)) for gross, rate in _RATE_FACTORS)
# Beyond this many cents, float rounding could matter: every look-up is made exactly.
_FLOAT_CENTS_LIMIT = 1e13
_CENT = Decimal("0.01")
_CONTEXTS = ("left", "right", "above", "header")
# A column header is looked for up to this many lines above a value, through the rows of
# a table (lines right under each other, `_ROW_GAP` line heights apart at most).
_HEADER_ROWS = 8
_ROW_GAP = 1.5


@dataclass(slots=True)
class Candidate:
    """A value that may be a field, where it stands, and its features by name."""

    value: Decimal | dt.date | str
    row: Row
    start: int
    end: int
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    """What every candidate's features refer to: the document as a whole."""

    rows: Sequence[Row]
    credit: bool
    page_right: dict[int, float]
    last_page: int
    line_height: float  # the median line height: a bold total is printed larger


def context_features(document: Document, row: Row, start: int, end: int) -> dict[str, float]:
    """Label words left of the value, right after it, on the line above, in the header of
    its column (the nearest line above with words over the value)."""
    ends = [a.end for a in row.amounts] + [d.end for d in row.dates]
    previous_end = max((e for e in ends if e <= start), default=0)
    left = row.folded[max(previous_end, start - _CONTEXT_CHARS) : start]
    texts = {
        "left": left,
        "right": row.folded[end : end + 12],
        "above": _line_above(document, row),
        "header": _header(document, row, start, end),
    }
    features: dict[str, float] = {}
    for context in _CONTEXTS:
        for group in groups_in(texts[context]):
            features[f"{context}:{group}"] = 1.0
    features["left:empty"] = float(not left.strip(" :"))
    return features


def _line_above(document: Document, row: Row) -> str:
    if row.index == 0:
        return ""
    above = document.rows[row.index - 1]
    if above.line.page != row.line.page or row.line.top - above.line.bottom > 2 * row.line.height:
        return ""
    return above.folded[: _CONTEXT_CHARS * 2]


def _header(document: Document, row: Row, start: int, end: int) -> str:
    """The words over the value on the nearest line above that has any; through the
    rows of a table (words over the value without a label word, on a line with amounts,
    each row right under the next) up to the table's head, at most `_HEADER_ROWS` up."""
    left, right = row.line.span(start, end)
    slack = row.line.height
    below = row
    for above in reversed(document.rows[max(0, row.index - _HEADER_ROWS) : row.index]):
        if above.line.page != row.line.page or (below is row and row.index - above.index > 3):
            break
        words = [
            phrase.text
            for phrase in above.line.phrases()[:16]
            if phrase.left <= right + slack and left <= phrase.right + slack
        ]
        if words:
            text = " ".join(words).lower()[:_CONTEXT_CHARS]
            if groups_in(text) or not above.amounts or below.index - above.index > 1:
                return text
            if below.line.top - above.line.bottom > _ROW_GAP * below.line.height:
                return text
            below = above
        elif below is not row:  # a table's row without a word over the value: its end
            return ""
    return ""


def layout_features(document: Document, row: Row, start: int, end: int) -> dict[str, float]:
    page = row.line.page
    _, right = row.line.span(start, end)
    return {
        "position": row.position,
        "first_page": float(page == 0),
        "last_page": float(page == document.last_page),
        "x_right": right / max(document.page_right.get(page, 1.0), 1e-6),
        "large_type": float(row.line.height > 1.15 * document.line_height),
        "credit_note": float(document.credit),
    }


def amount_candidates(document: Document) -> list[Candidate]:
    found = [
        Candidate(amount.value, row, amount.start, amount.end)
        for row in document.rows
        for amount in row.amounts
    ]
    found = _capped(found)
    values = [abs(c.value) for c in found if isinstance(c.value, Decimal)]
    present = set(values)
    near = _near_cents(present)
    counts = Counter(values)
    ranks = {value: rank for rank, value in enumerate(sorted(present, reverse=True))}
    for candidate in found:
        value = abs(Decimal(str(candidate.value)))
        row, amount = candidate.row, _amount_at(candidate)
        features = context_features(document, row, candidate.start, candidate.end)
        features |= layout_features(document, row, candidate.start, candidate.end)
        features |= _rule_label(row, candidate.start)
        features |= {
            "magnitude": min(math.log10(float(value) + 1) / 6, 1.0),
            "largest": float(ranks[value] == 0),
            "rank": 1 / (ranks[value] + 1),
            "repeated": min(counts[value] - 1, 3) / 3,
            "currency": float(amount.currency is not None) if amount else 0.0,
            "cents": float(amount.cents) if amount else 0.0,
            "negative": float(Decimal(str(candidate.value)) < 0),
            "last_on_line": float(candidate.end == max(a.end for a in row.amounts)),
            "values_on_line": min(len(row.amounts), 6) / 6,
        }
        features |= _arithmetic(value, present, near)
        candidate.features = features
    return found


def _amount_at(candidate: Candidate) -> Amount | None:
    return next((a for a in candidate.row.amounts if a.start == candidate.start), None)


def _rule_label(row: Row, start: int) -> dict[str, float]:
    """The kind of the hand-written lexicon's nearest label left of the value."""
    before = [lb for lb in row.labels if lb.end <= start]
    if not before:
        return {}
    label = before[-1]
    return {f"rule:{label.kind.value}": 1.0, "rule:weight": label.weight / 3}


def _arithmetic(value: Decimal, present: set[Decimal], near: set[int]) -> dict[str, float]:
    """Whether the value is a gross, net or tax amount of another one at a usual VAT rate:
    a look-up per rate, not a comparison of every pair. `near`: `_near_cents(present)`."""
    features = {"is_gross": 0.0, "is_net": 0.0, "is_tax": 0.0}
    if not value:
        return features
    # A computed amount is rounded to the cent, so it can only equal one of `present` that
    # is whole cents, within half a cent of the exact result: the float result (off by far
    # less than a cent below `_FLOAT_CENTS_LIMIT`) rounded to cents is then that amount or
    # a cent beside it. Only when one of those is present (its cents are in `near`) is the
    # exact look-up made (most are not): the answer is the exact look-up's.
    hundred = float(value) * 100
    quick = hundred < _FLOAT_CENTS_LIMIT
    for (gross, rate), (float_gross, float_rate) in zip(_RATE_FACTORS, _FLOAT_FACTORS, strict=True):
        if (not quick or round(hundred / float_gross) in near) and (value / gross).quantize(
            _CENT
        ) in present:
            features["is_gross"] = 1.0
        if (not quick or round(hundred * float_gross) in near) and (value * gross).quantize(
            _CENT
        ) in present:
            features["is_net"] = 1.0
        if (not quick or round(hundred / float_rate) in near) and (value / rate).quantize(
            _CENT
        ) in present:
            features["is_tax"] = 1.0
    return features


def _near_cents(present: set[Decimal]) -> set[int]:
    """The whole numbers of cents within a cent of an amount of `present` that is whole
    cents."""
    near: set[int] = set()
    for value in present:
        hundred = value * 100
        if hundred == hundred.to_integral_value():
            cents = int(hundred)
            near.update((cents - 1, cents, cents + 1))
    return near


def date_candidates(document: Document, month_first: bool) -> list[Candidate]:
    found = []
    for row in document.rows:
        for match in row.dates:
            day = match.when(month_first)
            if day is not None:
                candidate = Candidate(day, row, match.start, match.end)
                candidate.features["in_range"] = float(match.in_range)
                found.append(candidate)
    found = _capped(found)
    days = [c.value for c in found if isinstance(c.value, dt.date)]
    counts = Counter(days)
    earliest, latest = (min(days), max(days)) if days else (None, None)
    for rank, candidate in enumerate(found):
        when = candidate.value
        if not isinstance(when, dt.date):
            continue
        features = candidate.features
        features |= context_features(document, candidate.row, candidate.start, candidate.end)
        features |= layout_features(document, candidate.row, candidate.start, candidate.end)
        features |= _rule_label(candidate.row, candidate.start)
        features |= {
            "order": 1 / (rank + 1),
            "first": float(rank == 0),
            "earliest": float(when == earliest),
            "latest": float(when == latest),
            "repeated": min(counts[when] - 1, 3) / 3,
            "after_earliest": min((when - earliest).days, 90) / 90 if earliest else 0.0,
            "before_latest": min((latest - when).days, 90) / 90 if latest else 0.0,
        }
    return found


def _capped(found: list[Candidate]) -> list[Candidate]:
    if len(found) <= MAX_CANDIDATES:
        return found
    half = MAX_CANDIDATES // 2
    return found[:half] + found[-half:]


def feature_names() -> list[str]:
    """Every feature a candidate can carry, in the model's order."""
    names = [f"{c}:{g}" for c in _CONTEXTS for g in GROUPS] + ["left:empty"]
    names += ["position", "first_page", "last_page", "x_right", "large_type", "credit_note"]
    names += [f"rule:{kind.value}" for kind in Kind] + ["rule:weight"]
    names += ["magnitude", "largest", "rank", "repeated", "currency", "cents", "negative"]
    names += ["last_on_line", "values_on_line", "is_gross", "is_net", "is_tax", "in_range"]
    names += ["order", "first", "earliest", "latest", "after_earliest", "before_latest"]
    names += ["pick:total", "pick:tax", "pick:date"]
    return names
