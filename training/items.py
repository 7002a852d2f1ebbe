"""The item table: description, quantity, unit price, optional VAT rate, line amount."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from training.document import Document, Line
from training.render_pdf import Pen


def money(doc: Document, value: Decimal, *, currency: bool = True) -> str:
    shown = doc.shown(value)
    return doc.style.money(shown) if currency else doc.style.number(shown)


def table(
    pen: Pen,
    doc: Document,
    lines: Sequence[Line],
    x: float,
    y: float,
    width: float,
    *,
    style: str = "rules",
    vat_column: bool = False,
    size: float = 8.5,
) -> float:
    """Item rows under a header; `style` is grid, rules, plain, striped or dark."""
    # Description left-aligned at its stop, the numbers right-aligned at theirs.
    stops = [x + 2, x + width * 0.58, x + width * 0.76, x + width - 2]
    if vat_column:
        stops = [x + 2, x + width * 0.5, x + width * 0.68, x + width * 0.8, x + width - 2]
    row_h = size * 0.62
    head(pen, doc, stops, x, y, width, style=style, size=size)
    y += row_h
    for index, line in enumerate(lines):
        if style == "striped" and index % 2 == 0:
            pen.box(x, y - row_h + 1.6, width, row_h, fill=0.93, stroke=False)
        if style == "grid":
            pen.box(x, y - row_h + 1.2, width, row_h)
        cells = [
            line.description,
            f"{line.quantity:f}",
            money(doc, line.unit_price, currency=False),
        ]
        if vat_column:
            cells.append(doc.style.rate(line.rate))
        cells.append(money(doc, line.amount, currency=False))
        for col, (cell, stop) in enumerate(zip(cells, stops, strict=True)):
            pen.text(stop, y, cell, size, align="left" if col == 0 else "right")
        y += row_h
    if style == "rules":
        pen.line(x, y - row_h + 2, x + width, y - row_h + 2, 0.3)
    return y + 2


def head(
    pen: Pen,
    doc: Document,
    stops: list[float],
    x: float,
    y: float,
    width: float,
    *,
    style: str,
    size: float,
) -> None:
    """Column heads, each shrunk to fit its column rather than run into the next."""
    labels = doc.labels
    heads = [labels.get("description"), labels.get("qty"), labels.get("unit_price")]
    if len(stops) == 5:
        heads.append(labels.get("vat_col"))
    heads.append(labels.get("amount"))
    row_h = size * 0.62
    if style == "dark":
        pen.box(x, y - row_h + 1.2, width, row_h, fill=0.25, stroke=False)
    elif style == "grid":
        pen.box(x, y - row_h + 1.2, width, row_h, fill=0.9)
    gray = 1.0 if style == "dark" else 0.0
    for index, (text, stop) in enumerate(zip(heads, stops, strict=True)):
        room = stop - stops[index - 1] - 2 if index > 1 else width * 0.15
        fitted = pen.fit(text, size, room, bold=True)
        align = "left" if index == 0 else "right"
        pen.text(stop, y, text, fitted, bold=True, align=align, gray=gray)
    if style in ("rules", "striped"):
        pen.line(x, y + 1.6, x + width, y + 1.6, 0.5)
