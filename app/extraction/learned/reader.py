"""The learned field reader: candidates from `candidates` (amounts, dates), `parties`
(supplier) and `numbers` (invoice number), ranked per field by `model`.

The hand-written rules of `app.extraction.fields` still read the currency; for the other
fields their picks are features among others, and their answer stands when no candidate
of the supplier or the number scores.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.extraction.fields import rule_reading
from app.extraction.fields.amounts import money
from app.extraction.fields.credit import is_credit_note, unsigned
from app.extraction.fields.document import Row, read_rows
from app.extraction.fields.issue_date import month_first_order
from app.extraction.fields.supplier import NameSearch
from app.extraction.layout import Page
from app.extraction.learned.candidates import (
    Candidate,
    Document,
    amount_candidates,
    date_candidates,
)
from app.extraction.learned.derived import date_evidence, with_derived
from app.extraction.learned.model import FieldModel, Model, load_model
from app.extraction.learned.numbers import NUMBER_FEATURES, number_candidates
from app.extraction.learned.parties import SUPPLIER_FEATURES, supplier_candidates

AMOUNT_FIELDS = ("total", "net", "tax", "amount_due")
DATE_FIELDS = ("date", "due_date")
# Read from text candidates; the rules' answer stands when none scores above threshold.
TEXT_FIELDS = ("supplier", "invoice_number")
# The learned supplier overrules the rules' only at even odds or better, and only when the
# rules' own pick scores below them (measured on the dev set: a lower bar took a person's
# or a heading's line for the issuer where the rules were right).
_SUPPLIER_ODDS = 0.5
# Always given when the page has a candidate: a document has an issue date and a total.
_REQUIRED = {"date", "total"}


def read_learned(pages: Sequence[Page], model: Model | None = None) -> dict[str, Any]:
    """The fields of `app.extraction.fields.read_fields`, plus net, amount_due and due_date,
    each with its calibrated probability as confidence."""
    model = model or load_model()
    read = prepare(pages)
    fields = dict(read.rules)
    confidence = dict(read.rules["confidence"])
    for name in (*AMOUNT_FIELDS, *DATE_FIELDS):
        pool = read.amounts if name in AMOUNT_FIELDS else read.dates
        value, probability = _best(model.fields[name], pool, required=name in _REQUIRED)
        fields[name] = value
        confidence[name] = round(probability, 2)
    for name in TEXT_FIELDS:
        if name in model.fields:  # a model trained before these fields: the rules' answer
            _overrule(name, model.fields[name], read, fields, confidence)
    _consistent_tax(fields, confidence, read.rules["tax"])
    if fields["amount_due"] is None:
        fields["amount_due"], confidence["amount_due"] = fields["total"], confidence["total"]
    if fields["due_date"] == fields["date"]:
        fields["due_date"], confidence["due_date"] = None, 0.0
    for name in AMOUNT_FIELDS:
        fields[name] = _as_money(fields[name], negative=read.credit)
    for name in DATE_FIELDS:
        fields[name] = fields[name].isoformat() if fields[name] else None
    fields["confidence"] = confidence
    return fields


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document's candidates with their features, and the rules' own reading."""

    amounts: list[Candidate]
    dates: list[Candidate]
    suppliers: list[Candidate]
    numbers: list[Candidate]
    rules: dict[str, Any]
    credit: bool
    brand: bool = False  # the rules' supplier is a trading name (`fields.brand`)


def prepare(pages: Sequence[Page]) -> Prepared:
    """Everything the model scores; training calls it too, so both see the same features."""
    rows = read_rows(pages)
    names = NameSearch(rows)  # the rules and the supplier candidates search names alike
    rules, brand = rule_reading(rows, names)
    document = _document(rows)
    amounts = amount_candidates(
        _with_rows(document, unsigned(rows)) if document.credit else document
    )
    amounts = with_derived(document, amounts, rules["total"])
    _mark_rule_picks(amounts, rules, ("total", "tax"))
    dates = date_candidates(document, _month_first(rows, rules["currency"]))
    date_evidence(dates)
    _mark_rule_picks(dates, rules, ("date",))
    suppliers = supplier_candidates(document, rules["supplier"], names)
    numbers = number_candidates(document, rules["invoice_number"])
    return Prepared(amounts, dates, suppliers, numbers, rules, document.credit, brand)


def text_feature_names(field: str) -> list[str]:
    """The features of the supplier's or the invoice number's candidates."""
    return list(SUPPLIER_FEATURES if field == "supplier" else NUMBER_FEATURES)


def _overrule(
    name: str,
    model: FieldModel,
    read: Prepared,
    fields: dict[str, Any],
    confidence: dict[str, float],
) -> None:
    """The learned supplier or number replaces the rules' when it scores above threshold
    and the rules' own pick does not (a supplier: at least the even odds of
    `_SUPPLIER_ODDS`); a brand the rules chose (`fields.brand`) stands."""
    pool = read.suppliers if name == "supplier" else read.numbers
    floor = model.threshold
    if name == "supplier":
        if read.brand:
            return
        floor = max(floor, _SUPPLIER_ODDS)
        picked = [model.probability(c.features) for c in pool if c.features.get("s:pick")]
        if max(picked, default=0.0) >= _SUPPLIER_ODDS:
            return
    value, probability = _best(model, pool, required=False)
    if value is not None and probability >= floor:
        fields[name], confidence[name] = value, round(probability, 2)


def _consistent_tax(fields: dict[str, Any], confidence: dict[str, float], rule: Any) -> None:
    """Net plus tax is the total: with a net and a total read and no tax, the tax is
    their difference; a tax that does not add up gives way to the rules' one if that
    does (a tax split over several VAT rates is a sum of lines, no candidate of its own)."""
    total, net, tax = fields["total"], fields["net"], fields["tax"]
    if total is None or net is None or not 0 < net < total or tax == total - net:
        return
    if tax is None:
        fields["tax"] = total - net
        confidence["tax"] = round(min(confidence["total"], confidence["net"]), 2)
    elif rule is not None and abs(Decimal(rule)) == total - net:
        fields["tax"], confidence["tax"] = total - net, 0.9  # the rules found it so


def _document(rows: Sequence[Row]) -> Document:
    page_right: dict[int, float] = {}
    for row in rows:
        page = row.line.page
        page_right[page] = max(page_right.get(page, 0.0), row.line.boxes[-1].right)
    heights = [row.line.height for row in rows]
    return Document(
        rows,
        is_credit_note(rows),
        page_right,
        max(page_right, default=0),
        statistics.median(heights) if heights else 1.0,
    )


def _with_rows(document: Document, rows: Sequence[Row]) -> Document:
    return Document(
        rows, document.credit, document.page_right, document.last_page, document.line_height
    )


def _month_first(rows: Sequence[Row], currency: str | None) -> bool:
    found = [date for row in rows for date in row.dates]
    return month_first_order(found, dollars=currency in {"USD", "CAD", "AUD"})


def _mark_rule_picks(
    candidates: Sequence[Candidate], rules: dict[str, Any], names: Sequence[str]
) -> None:
    """The hand-written rules' answer, as one more feature of the candidates that equal it."""
    for name in names:
        picked = rules[name]
        if picked is None:
            continue
        value = dt.date.fromisoformat(picked) if name == "date" else abs(Decimal(picked))
        for candidate in candidates:
            if candidate.value == value or (
                isinstance(candidate.value, Decimal) and abs(candidate.value) == value
            ):
                candidate.features[f"pick:{name}"] = 1.0


def _best(
    model: FieldModel, candidates: Sequence[Candidate], *, required: bool
) -> tuple[Any, float]:
    best, best_probability = None, 0.0
    for candidate in candidates:
        probability = model.probability(candidate.features)
        if probability > best_probability:
            best, best_probability = candidate, probability
    if best is None or (not required and best_probability < model.threshold):
        return None, 0.0
    return best.value, best_probability


def _as_money(value: Decimal | None, *, negative: bool) -> str | None:
    if value is None:
        return None
    if negative and value:  # a credit note reduces the books; zero stays 0.00
        value = -abs(value)
    return money(value)
