"""Total, tax and subtotal: amounts scored by the label that names them, then checked
against each other (subtotal + tax = total)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from app.extraction.fields.amounts import Amount
from app.extraction.fields.document import (
    COLUMN_DISCOUNT,
    Row,
    column_labels,
    label_on_line_above,
)
from app.extraction.fields.labels import Kind, Label

_MONEY_KINDS = {Kind.TOTAL, Kind.SUBTOTAL, Kind.TAX, Kind.IGNORE}
_TOLERANCE = Decimal("0.011")
# How many of the best totals are tried against subtotal + tax.
_CROSS_CHECK_DEPTH = 5
# ... as long as they score at most this far below the best one.
_CROSS_CHECK_MARGIN = 1.5
# Cash rounding moves a total by a few cents (to 0.05 in Malaysia and the Netherlands).
_ROUNDING = re.compile(r"(?<![a-z])(?:rounding|round(?:ed)? adj|rnd adj|afronding|arrondi|rundung)")
_MAX_ROUNDING = Decimal("0.05")
_ROUNDED_KINDS = {Kind.TOTAL, None}
# Totals, subtotals and taxes kept per kind, best first: bounds the cross-check.
_MAX_RANKED = 40


@dataclass(frozen=True, slots=True)
class Candidate:
    amount: Amount
    row: Row
    kind: Kind | None
    score: float
    # Named by a label on its own line, not by a column header above it.
    beside: bool = True

    @property
    def value(self) -> Decimal:
        return self.amount.value


@dataclass(frozen=True, slots=True)
class Money:
    total: Candidate | None
    subtotal: Candidate | None
    tax: Decimal | None
    total_confidence: float
    tax_confidence: float


def read_money(rows: Sequence[Row]) -> Money:
    candidates = [_candidate(rows, row, amount) for row in rows for amount in row.amounts]
    return _rounded(_best_money(candidates), candidates, rows)


def _best_money(candidates: Sequence[Candidate]) -> Money:
    totals = _ranked(candidates, Kind.TOTAL)
    subtotals = _ranked(candidates, Kind.SUBTOTAL)
    taxes = _ranked(candidates, Kind.TAX)
    checked = _cross_checked(totals, subtotals, taxes)
    if checked is not None:
        return checked
    if not totals:
        return _unlabelled(candidates, subtotals, taxes)
    total = totals[0]
    confidence = _confidence(total, totals[1:])
    # A tax column in an item table holds per-line figures: trusted only when they add up.
    tax = next((t for t in taxes if t.beside and abs(t.value) < abs(total.value)), None)
    subtotal = next((s for s in subtotals if s.beside and s.value <= total.value), None)
    if tax is not None:
        return Money(total, subtotal, tax.value, confidence, min(0.85, tax.score / 4))
    if subtotal is not None and subtotal.value < total.value:
        return Money(total, subtotal, total.value - subtotal.value, confidence, 0.5)
    return Money(total, subtotal, None, confidence, 0.0)


def _rounded(money: Money, candidates: Sequence[Candidate], rows: Sequence[Row]) -> Money:
    """Cash rounding ('Total 12.32, Rounding -0.02, Total 12.30'): what is paid is the
    total plus the rounding, when an amount further down says so - labelled as a total or
    not labelled at all ('Rounding 12.30', 'Total after adj incl. GST 12.30')."""
    total = money.total
    if total is None:
        return money
    # Each value's candidates in reading order: one look-up per rounding step, not a scan.
    by_value: dict[Decimal, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.kind in _ROUNDED_KINDS:
            by_value.setdefault(candidate.value, []).append(candidate)
    row_indices = {value: [c.row.index for c in same] for value, same in by_value.items()}
    for row in rows[total.row.index + 1 :]:
        if not _ROUNDING.search(row.folded):
            continue
        for step in (amount.value for amount in row.amounts):
            if not step or abs(step) > _MAX_ROUNDING:
                continue
            same = by_value.get(total.value + step, [])
            later = bisect_right(row_indices.get(total.value + step, []), row.index)
            if later < len(same):
                return replace(money, total=same[later])
    return money


def _cross_checked(
    totals: Sequence[Candidate], subtotals: Sequence[Candidate], taxes: Sequence[Candidate]
) -> Money | None:
    """The best total that equals a subtotal plus a tax (or the sum of the tax lines, one
    per VAT rate), if one scores near the top."""
    tax_values = [tax.value for tax in taxes]
    by_rate = _one_per_row([tax for tax in taxes if tax.beside])
    if len(by_rate) > 1:
        tax_values.append(sum((tax.value for tax in by_rate), Decimal(0)))
    for total in totals[:_CROSS_CHECK_DEPTH]:
        if total.score < totals[0].score - _CROSS_CHECK_MARGIN:
            break
        for subtotal in subtotals:
            for tax in tax_values:
                if abs(subtotal.value + tax - total.value) <= _TOLERANCE:
                    return Money(total, subtotal, tax, 0.97, 0.95)
    return None


def _one_per_row(taxes: Sequence[Candidate]) -> list[Candidate]:
    """The tax amount of each tax line (the last amount after its label)."""
    best: dict[int, Candidate] = {}
    for tax in taxes:
        kept = best.get(tax.row.index)
        if kept is None or tax.amount.start > kept.amount.start:
            best[tax.row.index] = tax
    return list(best.values())


def _candidate(rows: Sequence[Row], row: Row, amount: Amount) -> Candidate:
    naming = _naming(rows, row, amount)
    label = naming.label
    kind = None if label is None or label.kind is Kind.IGNORE else label.kind
    score = label.weight * naming.trust if kind is not None and label is not None else 0.0
    if label is not None and naming.before and _last_after(row, amount, label.end):
        # In 'Total 1 278.61 40.39 319.00' the total is the last amount after the label.
        score += 0.5
    if amount.currency:
        score += 0.3
    return Candidate(amount, row, kind, score + 0.2 * row.position, naming.beside)


@dataclass(frozen=True, slots=True)
class _Naming:
    label: Label | None
    trust: float
    beside: bool  # on the value's own line, not a column header
    before: bool = False  # printed before the value on its line


def _naming(rows: Sequence[Row], row: Row, amount: Amount) -> _Naming:
    """The label naming an amount, and how much to trust it."""
    before = row.labels_between(0, amount.start, _MONEY_KINDS)
    if before:
        return _Naming(before[-1], 1.0, beside=True, before=True)
    after = row.labels_between(amount.end, amount.end + 4, _MONEY_KINDS)
    if after:  # '29.99 € TTC'
        return _Naming(after[0], 1.0, beside=True)
    above = column_labels(rows, row, amount.start, amount.end, _MONEY_KINDS)
    if above:
        return _Naming(above[0], COLUMN_DISCOUNT, beside=False)
    return _Naming(label_on_line_above(rows, row, _MONEY_KINDS), COLUMN_DISCOUNT, beside=True)


def _last_after(row: Row, amount: Amount, label_end: int) -> bool:
    return not any(
        other.start > amount.start and not row.labels_between(label_end, other.start, _MONEY_KINDS)
        for other in row.amounts
        if other is not amount
    )


def _ranked(candidates: Sequence[Candidate], kind: Kind) -> list[Candidate]:
    chosen = [c for c in candidates if c.kind is kind and (kind is Kind.TAX or c.value > 0)]
    # A value printed under several labels of its kind is more likely the one.
    repeats = Counter(c.value for c in chosen)
    rescored = [
        Candidate(c.amount, c.row, c.kind, c.score + 0.5 * min(repeats[c.value] - 1, 2), c.beside)
        for c in chosen
    ]
    # Only the best few are ever compared with each other (subtotal + tax = total).
    return sorted(rescored, key=lambda c: (-c.score, c.row.index))[:_MAX_RANKED]


def _confidence(best: Candidate, others: Sequence[Candidate]) -> float:
    rivals = [c for c in others if c.value != best.value]
    margin = best.score - (rivals[0].score if rivals else 0.0)
    return round(min(0.9, 0.45 + 0.1 * best.score + 0.1 * margin), 2)


def _unlabelled(
    candidates: Sequence[Candidate], subtotals: list[Candidate], taxes: list[Candidate]
) -> Money:
    """No total label at all (a till receipt cut short): the largest sum with a currency."""
    pool = [c for c in candidates if c.kind is None and c.value > 0]
    marked = [c for c in pool if c.amount.currency] or pool
    if not marked:
        return Money(None, subtotals[0] if subtotals else None, None, 0.0, 0.0)
    total = max(marked, key=lambda c: (c.value, c.row.index))
    tax = taxes[0].value if taxes else None
    return Money(total, None, tax, 0.3, 0.4 if tax is not None else 0.0)
