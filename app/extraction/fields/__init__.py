"""Template-free field parsing: typed candidates scored by their labels and position.

`read_fields(pages)` returns the JSON-ready dict the pipeline stores:
supplier, date (ISO 8601), total, tax (strings with two decimals, e.g. "123.45"),
currency (ISO 4217), invoice_number (each None when not found) and `confidence`,
a number from 0 to 1 per field. A credit note's total and tax are negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from app.extraction.fields.amounts import money
from app.extraction.fields.credit import is_credit_note, unsigned
from app.extraction.fields.currency import document_currency
from app.extraction.fields.document import Row, read_rows
from app.extraction.fields.issue_date import read_issue_date
from app.extraction.fields.numbers import read_number
from app.extraction.fields.supplier import (
    NameSearch,
    Supplier,
    registered_name,
    supplier_and_brand,
)
from app.extraction.fields.totals import read_money
from app.extraction.layout import Page

__all__ = [
    "FIELD_NAMES",
    "fields_of_rows",
    "read_fields",
    "read_registered_name",
    "rule_reading",
]

FIELD_NAMES = ("supplier", "date", "total", "tax", "currency", "invoice_number")


def read_fields(pages: Sequence[Page]) -> dict[str, Any]:
    return fields_of_rows(read_rows(pages))


def fields_of_rows(rows: Sequence[Row]) -> dict[str, Any]:
    """The rules' reading of rows already read."""
    return rule_reading(rows)[0]


def rule_reading(
    rows: Sequence[Row], names: NameSearch | None = None
) -> tuple[dict[str, Any], bool]:
    """The rules' reading of rows already read (the learned reader weighs it too), and
    whether their supplier is a trading name (`brand`) rather than the printed name.
    `names`: the document's name search, when the caller searches names too."""
    credit = is_credit_note(rows)
    amounts = read_money(unsigned(rows) if credit else rows)
    total_marker = amounts.total.amount.currency if amounts.total else None
    currency, currency_confidence = document_currency((row.folded for row in rows), total_marker)
    issue_date = read_issue_date(rows, dollars=currency in {"USD", "CAD", "AUD"})
    number = read_number(rows)
    supplier, brand = supplier_and_brand(rows, names)
    total = amounts.total.value if amounts.total else None
    tax = amounts.tax
    if credit:  # a credit note reduces the books
        total, tax = _negative(total), _negative(tax)
    fields = {
        "supplier": supplier.value,
        "date": issue_date.value.isoformat() if issue_date.value else None,
        "total": money(total) if total is not None else None,
        "tax": money(tax) if tax is not None else None,
        "currency": currency,
        "invoice_number": number.value,
        "confidence": {
            "supplier": supplier.confidence,
            "date": issue_date.confidence,
            "total": amounts.total_confidence,
            "tax": amounts.tax_confidence,
            "currency": currency_confidence,
            "invoice_number": number.confidence,
        },
    }
    return fields, brand


def _negative(value: Decimal | None) -> Decimal | None:
    return -abs(value) if value else value  # zero stays 0.00, never -0.00


def read_registered_name(pages: Sequence[Page]) -> Supplier:
    """Only a name with a legal form ('e-Luscious Nederland B.V.'): for text read from
    pictures, where a logo's stylised letters are misread more often than not."""
    return registered_name(read_rows(pages))
