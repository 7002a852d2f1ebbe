"""The lines of e-invoices as their own table in the export: one row per invoice line,
tied to its document, as CSV and JSON (the documents table keeps one row per document)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from app.services.bundle import BundleWriter, Entry, csv_cell

LINE_COLUMNS = (
    "document_id", "filename", "invoice_number", "currency", "line", "description", "quantity",
    "unit", "unit_price", "net_amount", "vat_category", "vat_rate",
)  # fmt: skip
# The lines are in their own table: in the documents table they would be one unreadable cell.
TABLED_FIELDS = frozenset({"lines"})


def write_lines(writer: BundleWriter, entries: Callable[[], Iterable[Entry]]) -> None:
    """extracted/lines.json and extracted/lines.csv, a row at a time from `entries()`."""
    with writer.member("extracted/lines.json") as write:
        separator = b"[\n"
        for row in _rows(entries()):
            write(separator + b"  " + json.dumps(row, sort_keys=True).encode())
            separator = b",\n"
        write(b"[]" if separator == b"[\n" else b"\n]")
    with writer.member("extracted/lines.csv") as write:
        text = io.StringIO()
        table = csv.DictWriter(text, fieldnames=LINE_COLUMNS)
        table.writeheader()
        for row in _rows(entries()):
            table.writerow({name: csv_cell(value) for name, value in row.items()})
            write(text.getvalue().encode("utf-8"))
            text.seek(0)
            text.truncate()
        write(text.getvalue().encode("utf-8"))


def _rows(entries: Iterable[Entry]) -> Iterator[dict[str, Any]]:
    for entry in entries:
        lines = entry.fields.get("lines")
        if not isinstance(lines, list):
            continue
        for line in lines:
            if not isinstance(line, dict):
                continue
            yield {
                "document_id": str(entry.document_id),
                "filename": entry.filename,
                "invoice_number": entry.fields.get("invoice_number"),
                "currency": entry.fields.get("currency"),
                "line": line.get("number"),
                **{name: line.get(name) for name in LINE_COLUMNS[5:]},
            }
