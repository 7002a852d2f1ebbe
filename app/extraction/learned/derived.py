"""Amounts a page implies without printing them, and evidence printed amounts carry beyond
their labels (docs/extraction.md, "The learned reader").

- **Sums** (`sum_candidates`): a tax or a net over several VAT rates is printed as one
  line per rate and often nowhere as one amount. Two kinds of sum become candidates of
  their own, scored by the same model with their own features: the amounts of a
  **column** (two or more consecutive lines with an amount ending at the same place, such
  as the tax column of a VAT summary) and the amounts under one **label** word (every
  *VAT 20 %*, *VAT 10 %* line of a receipt). A sum that is printed anyway is no new
  candidate.
- **Evidence** (`amount_evidence`), for printed and derived amounts alike: whether the
  value and another read amount make up the total (net + tax, `complement`); whether it
  is what is left of a larger printed amount once a printed deduction (an advance, a
  prepayment, any negative amount) is taken off (`remainder`), or printed on one of the
  two lines under such a deduction (`after_deduction`); a unit of quantity or
  measure after it (*40,00 l*, *kWh*), a multiplication beside it (*2 x 1,20*), a price per
  unit (*EUR/l*), a pump or meter word before it.

Linear: a column is extended line by line (each amount against the runs ending on the
line above: both at most `MAX_VALUES_PER_LINE`), a label sum is one pass, and the
evidence is a set look-up per amount and per deduction (at most `_MAX_DEDUCTIONS`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from itertools import groupby

from app.extraction.fields.document import Row
from app.extraction.learned.candidates import Candidate, Document

# At most this many sums become candidates (a page of many columns gives many runs).
MAX_SUMS = 64
# Deductions considered for the remainder of a larger amount.
_MAX_DEDUCTIONS = 24
# Amounts under a total's label that the others may add up to (the last ones printed).
_MAX_TOTALS = 6
# `after_deduction`: a deduction on one of the lines this many lines above (the amount
# still due is printed under what was paid in advance).
_AFTER_DEDUCTION = (1, 2)
# Amounts of one column end within this many line heights of each other; its lines are
# at most this many line heights apart.
_ALIGN = 1.0
_ROW_GAP = 1.5
# The label words whose amounts are added up (the lexicon's groups; not ids or dates).
_SUMMED_GROUPS = ("tax", "net", "total", "due", "prepaid", "discount", "rate")
_GROUP_FEATURES = ("tax", "net", "total", "due", "prepaid", "discount", "rate", "unit")

_UNIT_AFTER = re.compile(
    r"\s?(?:l|lt|ltr|litre?s?|liter\w*|litr[io]s?|kwh|kw|mwh|m3|m³|kg|km|g|ml|cl|h|pcs|stk"
    r"|st|pz|uds?)(?![a-z0-9])"
)
_PER_UNIT = re.compile(r"\s?(?:[a-z]{3}|€|\$|£)?\s?/\s?(?:l|lt|ltr|kwh|kg|m3|h|st|pc)(?![a-z])")
# A multiplication after a quantity (its unit between) or before a unit price.
_TIMES = re.compile(r"\s?(?:[a-z]{1,3}\.?\s?)?[x\u00d7*@](?:\s|\d|$)")
_TIMES_BEFORE = re.compile(r"[x\u00d7*@]\s?$")
_METER_BEFORE = re.compile(
    r"(?<![a-z])(?:pump|pompe|pompa|zapfsaule|zapfsäule|surtidor|colonne|meter|zahler\w*"
    r"|zähler\w*|compteur|contatore|meterstand|lettura|reading|stand|index)(?![a-z])"
)

# A clock time right after a date: the moment of a sale, printed with the issue date.
_TIME_AFTER = re.compile(r"[\s,]{0,3}(?:[a-z]{0,3}\s?)?(?:[01]?\d|2[0-3])[:h.][0-5]\d(?!\d)")
DATE_FEATURES: tuple[str, ...] = ("time_after",)

DERIVED_FEATURES: tuple[str, ...] = (
    "derived",
    "derived:column",
    "derived:label",
    "derived:terms",
    *(f"sum_left:{group}" for group in _GROUP_FEATURES),
    *(f"sum_header:{group}" for group in _GROUP_FEATURES),
    "complement",
    "remainder",
    "after_deduction",
    "unit_after",
    "per_unit",
    "times_after",
    "times_before",
    "meter_before",
)


def sum_candidates(document: Document, amounts: Sequence[Candidate]) -> list[Candidate]:
    """The sums of columns and of label groups that are not printed as such; each with
    the layout features of its last term (where a total line would stand)."""
    present = {abs(_value(c)) for c in amounts}
    found: dict[Decimal, Candidate] = {}
    for kind, terms in [*_column_runs(document, amounts), *_label_groups(amounts)]:
        total = sum((abs(_value(c)) for c in terms), Decimal(0))
        if not total or total in present:
            continue
        if total not in found:
            if len(found) >= MAX_SUMS:
                continue
            last = terms[-1]
            found[total] = Candidate(total, last.row, last.start, last.end, _sum_base(last))
        _describe_sum(found[total].features, kind, terms)
    return list(found.values())


def _value(candidate: Candidate) -> Decimal:
    value = candidate.value
    return value if isinstance(value, Decimal) else Decimal(0)


def _sum_base(last: Candidate) -> dict[str, float]:
    kept = ("position", "first_page", "last_page", "x_right", "credit_note")
    return {name: last.features[name] for name in kept if name in last.features} | {
        "derived": 1.0,
        "cents": 1.0,
    }


def _describe_sum(features: dict[str, float], kind: str, terms: Sequence[Candidate]) -> None:
    features[f"derived:{kind}"] = 1.0
    features["derived:terms"] = max(features.get("derived:terms", 0.0), min(len(terms), 6) / 6)
    for group in _GROUP_FEATURES:
        share = sum(1 for c in terms if c.features.get(f"left:{group}")) / len(terms)
        if share:
            features[f"sum_left:{group}"] = max(features.get(f"sum_left:{group}", 0.0), share)
        if terms[0].features.get(f"header:{group}"):
            features[f"sum_header:{group}"] = 1.0


def _column_runs(
    document: Document, amounts: Sequence[Candidate]
) -> list[tuple[str, list[Candidate]]]:
    """Runs of two or more money amounts on consecutive lines, their right ends aligned."""
    runs: list[tuple[str, list[Candidate]]] = []

    def finish(ending: list[tuple[float, list[Candidate]]]) -> None:
        runs.extend(("column", run) for _, run in ending if len(run) >= 2)

    money = [c for c in amounts if isinstance(c.value, Decimal) and c.features.get("cents")]
    previous: Row | None = None
    open_runs: list[tuple[float, list[Candidate]]] = []  # with a term on the previous row
    for _, group in groupby(money, key=lambda c: c.row.index):
        on_row = list(group)
        row = on_row[0].row
        if previous is None or not _adjacent(previous, row):
            finish(open_runs)
            open_runs = []
        continued: list[tuple[float, list[Candidate]]] = []
        slack = _ALIGN * row.line.height
        for candidate in on_row:
            _, right = row.line.span(candidate.start, candidate.end)
            match = next(
                (i for i, (edge, _) in enumerate(open_runs) if abs(edge - right) <= slack), None
            )
            run = [candidate] if match is None else [*open_runs.pop(match)[1], candidate]
            continued.append((right, run))
        finish(open_runs)
        open_runs, previous = continued, row
    finish(open_runs)
    return runs


def _adjacent(above: Row, row: Row) -> bool:
    if row.index != above.index + 1 or row.line.page != above.line.page:
        return False
    return row.line.top - above.line.bottom <= _ROW_GAP * row.line.height


def _label_groups(amounts: Sequence[Candidate]) -> list[tuple[str, list[Candidate]]]:
    """The money amounts under each label group (left of them, not an id), when two or
    more lines carry one."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in amounts:
        features = candidate.features
        if not features.get("cents") or features.get("left:id"):
            continue
        for group in _SUMMED_GROUPS:
            if features.get(f"left:{group}"):
                groups.setdefault(group, []).append(candidate)
    return [
        ("label", terms)
        for terms in groups.values()
        if len({id(c.row) for c in terms}) >= 2 and len(terms) <= 12
    ]


def amount_evidence(amounts: Sequence[Candidate], totals: Sequence[Decimal], credit: bool) -> None:
    """Adds `complement`, `remainder` and the quantity features to every amount.

    `totals`: the amounts the others may add up to (the rules' total, the largest);
    deductions are the amounts printed negative or after a prepayment word (none on a
    credit note, whose amounts may all be printed negative)."""
    values = {abs(_value(c)) for c in amounts}
    deductions = [] if credit else [
        (abs(_value(c)), id(c))
        for c in amounts
        if not c.features.get("derived") and (_value(c) < 0 or c.features.get("left:prepaid"))
    ][:_MAX_DEDUCTIONS]  # fmt: skip
    deducted = {key for _, key in deductions}
    deduction_rows = {(c.row.line.page, c.row.index) for c in amounts if id(c) in deducted}
    for candidate in amounts:
        value = abs(_value(candidate))
        features = candidate.features
        if value and any(t > value and (t - value) in values for t in totals):
            features["complement"] = 1.0
        if value and any(key != id(candidate) and (value + d) in values for d, key in deductions):
            features["remainder"] = 1.0
        if not features.get("derived"):
            features |= _quantity_features(candidate)
            page, index = candidate.row.line.page, candidate.row.index
            if any((page, index - step) in deduction_rows for step in _AFTER_DEDUCTION):
                features["after_deduction"] = 1.0


def _quantity_features(candidate: Candidate) -> dict[str, float]:
    folded = candidate.row.folded
    after = folded[candidate.end : candidate.end + 12]
    before = folded[max(0, candidate.start - 24) : candidate.start]
    found = {}
    if _UNIT_AFTER.match(after):
        found["unit_after"] = 1.0
    if _PER_UNIT.match(after):
        found["per_unit"] = 1.0
    if _TIMES.match(after):
        found["times_after"] = 1.0
    if _TIMES_BEFORE.search(before):
        found["times_before"] = 1.0
    if _METER_BEFORE.search(before):
        found["meter_before"] = 1.0
    return found


def with_derived(
    document: Document,
    amounts: list[Candidate],
    rule_total: str | None,
) -> list[Candidate]:
    """The printed amounts and the sums, all with the evidence above. `rule_total`: the
    rules' total."""
    everything = [*amounts, *sum_candidates(document, amounts)]
    totals = {abs(_value(c)) for c in amounts}
    largest = max(totals, default=Decimal(0))
    candidates_for_total = {largest}
    if rule_total is not None:
        candidates_for_total.add(abs(Decimal(rule_total)))
    # The amounts printed under a total's label too: the largest may be a misread (a
    # quantity run into a price, *4 109,24*) and the rules' total a line's amount.
    labelled = [abs(_value(c)) for c in amounts if c.features.get("left:total")]
    candidates_for_total.update(labelled[-_MAX_TOTALS:])
    amount_evidence(everything, sorted(candidates_for_total), document.credit)
    return everything


def date_evidence(dates: Sequence[Candidate]) -> None:
    """Adds `time_after` to the dates followed by a clock time (*19/09/24 14:35*)."""
    for candidate in dates:
        after = candidate.row.folded[candidate.end : candidate.end + 12]
        if _TIME_AFTER.match(after):
            candidate.features["time_after"] = 1.0
