"""The pieces invoice layouts are built from: letterhead, address window, meta block,
item table, totals and footer. Each draws at a given place and returns where it ended
(millimetres from the top), so a family composes them in its own order and position.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from decimal import Decimal

from training.document import Document
from training.items import money
from training.parties import Party
from training.render_pdf import Pen

ROW = 4.6


def title(doc: Document) -> str:
    if doc.spec.kind == "credit_note":
        return doc.labels.get("credit_note")
    if doc.spec.kind == "receipt":
        return doc.labels.get("receipt")
    return doc.labels.get(
        {"advance": "advance_invoice", "final": "final_invoice"}.get(doc.spec.variant, "invoice")
    )


def when(doc: Document, day: dt.date) -> str:
    return doc.style.date(day)


def meta_value(doc: Document, key: str) -> str:
    values: dict[str, Callable[[], str]] = {
        "number": lambda: doc.number,
        "date": lambda: when(doc, doc.issue),
        "due_date": lambda: when(doc, doc.due) if doc.due else "",
        "delivery_date": lambda: when(doc, doc.delivery),
        "order_date": lambda: when(doc, doc.order),
        "service_period": lambda: f"{when(doc, doc.period[0])} \u2013 {when(doc, doc.period[1])}",
        "customer_no": lambda: doc.customer_no,
        "order_ref": lambda: doc.order_ref,
        "contact": lambda: doc.supplier.contact,
        "printed": lambda: when(doc, doc.issue + dt.timedelta(days=2)),
        "page": lambda: "1",
    }
    return values[key]()


def meta_label(doc: Document, key: str) -> str:
    if key == "number" and doc.spec.kind == "credit_note":
        return doc.labels.get("credit_number")
    return doc.labels.get(key)


def meta_keys(doc: Document, *extra: str) -> list[str]:
    """The number and issue date, the due date when shown, then `extra` fields (with the
    document's variety, `training.variety`: more dates, in another order)."""
    keys = ["number", "date"]
    if doc.due:
        keys.append("due_date")
    more = [*extra, *doc.extra.get("meta_dates", "").split(",")]
    keys += [key for key in dict.fromkeys(more) if key and key not in keys]
    if "meta_shuffle" in doc.extra:
        random.Random(doc.extra["meta_shuffle"]).shuffle(keys)
    return keys


def meta(
    pen: Pen,
    doc: Document,
    keys: Sequence[str],
    x: float,
    y: float,
    *,
    label_width: float = 34,
    size: float = 8.5,
    colon: bool = False,
    right: float | None = None,
) -> float:
    """Label/value rows; values start at `x + label_width`, or end at `right` if given."""
    for key in keys:
        label = meta_label(doc, key) + (":" if colon else "")
        pen.text(x, y, label, size)
        bold = key in ("number",)
        if right is not None:
            pen.text(right, y, meta_value(doc, key), size, bold=bold, align="right")
        else:
            pen.text(x + label_width, y, meta_value(doc, key), size, bold=bold)
        y += size * 0.48
    return y


def letterhead(
    pen: Pen,
    doc: Document,
    x: float,
    y: float,
    *,
    align: str = "left",
    size: float = 15,
    details: bool = True,
    width: float = 88,
) -> float:
    """The seller's name (shrunk to `width` mm if long) over its address and contacts."""
    party = doc.supplier
    if "stamp" in doc.extra:
        days, clock = doc.extra["stamp"].split()
        printed = when(doc, doc.issue + dt.timedelta(days=int(days)))
        stamp = f"{doc.labels.get('printed')} {printed} {clock}"
        pen.text(190 if align == "left" else 20, 9, stamp, 6.5, align="right" if align == "left"
                 else "left", gray=0.4)  # fmt: skip
    name = party.brand.upper() if "logo" in doc.extra else party.name
    pen.text(x, y, name, pen.fit(name, size, width, bold=True), bold=True, align=align)
    y += size * 0.45
    if details:
        for text in (
            party.street,
            party.city,
            f"{doc.labels.get('phone')} {party.phone}",
            party.email,
        ):
            pen.text(x, y, text, 8, align=align, gray=0.25)
            y += 3.6
    return y


def sender_line(pen: Pen, doc: Document, x: float, y: float, width: float = 85) -> float:
    party = doc.supplier
    text = f"{party.name} · {party.street} · {party.city}"
    pen.text(x, y, text, pen.fit(text, 6.5, width))
    pen.line(x, y + 1.0, x + width, y + 1.0, 0.2)
    return y + 5


def address(
    pen: Pen,
    party: Party,
    x: float,
    y: float,
    *,
    heading: str | None = None,
    size: float = 9.5,
    attention: str | None = None,
) -> float:
    if heading:
        pen.text(x, y, heading, 7.5, bold=True)
        y += 4.2
    rows = [party.name] + ([attention] if attention else []) + [party.street, party.city]
    for row in rows:
        pen.text(x, y, row, size)
        y += size * 0.47
    return y


def total_rows(doc: Document, *, breakdown: bool = True) -> list[tuple[str, Decimal, bool]]:
    """(label, amount, bold) for the totals block; deductions carry a negative amount."""
    labels = doc.labels
    rows: list[tuple[str, Decimal, bool]] = []
    if doc.discount:
        rows.append((labels.get("subtotal"), doc.subtotal, False))
        rows.append(
            (f"{labels.get('discount')} {doc.style.rate(doc.discount_rate)}", -doc.discount, False)
        )
    rows.append((labels.get("net"), doc.net, False))
    parts = doc.breakdown() if breakdown else [(doc.lines[0].rate, doc.net, doc.tax)]
    for rate, _, tax in parts:
        rows.append((f"{labels.get('tax')} {doc.style.rate(rate)}", tax, False))
    rows.append((labels.get("total"), doc.total, not doc.prepaid))
    if doc.prepaid:
        paid = labels.get("prepaid")
        if "paid_on" in doc.extra:  # variety: the deposit's date beside its label
            paid_on = doc.issue - dt.timedelta(days=int(doc.extra["paid_on"]))
            paid = f"{paid} {when(doc, paid_on)}"
        rows.append((paid, -doc.prepaid, False))
        rows.append((labels.get("amount_due"), doc.amount_due, True))
    return rows


def totals(
    pen: Pen,
    doc: Document,
    right: float,
    y: float,
    width: float = 80,
    *,
    size: float = 9,
    boxed: bool = False,
    currency: bool = True,
    rows: list[tuple[str, Decimal, bool]] | None = None,
) -> float:
    """Label column at `right - width`, amounts right-aligned at `right` (with the
    variety `grid`: a VAT summary grid whose last row holds net, tax and total)."""
    if rows is None and "grid" in doc.extra:
        return grid_totals(pen, doc, right, y, size=size, currency=currency)
    rows = rows if rows is not None else total_rows(doc)
    top = y
    for label, amount, bold in rows:
        if bold:
            pen.line(right - width, y - size * 0.42, right, y - size * 0.42, 0.4)
        pen.text(right - width + 2, y, label, size, bold=bold)
        pen.text(
            right - 2, y, money(doc, amount, currency=currency), size, bold=bold, align="right"
        )
        y += size * 0.55
    if boxed:
        pen.box(right - width, top - size * 0.45, width, y - top + 1)
    return y + 2


def grid_totals(
    pen: Pen, doc: Document, right: float, y: float, *, size: float = 9, currency: bool = True
) -> float:
    """Rate, net, tax and gross per VAT rate under their heads, then one row of the sums
    under the total's label, then any deposit and the amount due."""
    labels = doc.labels
    stops = (right - 120, right - 80, right - 42, right - 2)
    heads = (labels.get("vat_col"), labels.get("net_short"), labels.get("tax_short"))
    for head, stop in zip((*heads, labels.get("amount")), stops, strict=True):
        pen.text(stop, y, head, size - 0.5, bold=True, align="right")
    pen.line(right - 150, y + 1.2, right, y + 1.2, 0.3)
    y += size * 0.55
    for rate, net, tax in doc.breakdown():
        gross = net + tax
        cells = (doc.style.rate(rate), money(doc, net, currency=False),
                 money(doc, tax, currency=False), money(doc, gross, currency=False))  # fmt: skip
        for cell, stop in zip(cells, stops, strict=True):
            pen.text(stop, y, cell, size - 0.5, align="right")
        y += size * 0.5
    pen.line(right - 150, y - size * 0.38, right, y - size * 0.38, 0.3)
    pen.text(right - 148, y, labels.get("total"), size, bold=True)
    sums = (money(doc, doc.net, currency=False), money(doc, doc.tax, currency=False),
            money(doc, doc.total, currency=currency))  # fmt: skip
    for cell, stop in zip(sums, stops[1:], strict=True):
        pen.text(stop, y, cell, size, bold=True, align="right")
    y += size * 0.55
    for label, amount, bold in total_rows(doc)[-2:] if doc.prepaid else ():
        pen.text(right - 148, y, label, size, bold=bold)
        pen.text(right - 2, y, money(doc, amount, currency=currency), size, bold=bold,
                 align="right")  # fmt: skip
        y += size * 0.55
    return y + 2


def footer(pen: Pen, doc: Document, *, style: str = "columns", size: float = 6.8) -> None:
    """Company, registry, VAT and bank data at the foot of the page."""
    party, labels = doc.supplier, doc.labels
    columns = [
        [party.name, party.street, party.city, f"{labels.get('phone')} {party.phone}"],
        [
            f"{labels.get('director')}: {party.director}",
            f"{labels.get('registry')} {party.registry}",
            f"{labels.get('vat_id')} {party.vat_id}",
        ],
        [labels.get("bank"), f"IBAN {party.iban}", f"BIC {party.bic}", party.web],
    ]
    top = pen.height - 22
    if style == "line":
        pen.line(20, top - 4, pen.width - 20, top - 4, 0.2)
        for index, column in enumerate(columns):
            pen.text(
                pen.width / 2,
                top + index * 3.4,
                " · ".join(column),
                size - 0.6,
                align="center",
                gray=0.3,
            )
        return
    pen.line(20, top - 4, pen.width - 20, top - 4, 0.2)
    for index, column in enumerate(columns):
        for row, text in enumerate(column):
            pen.text(20 + index * 60, top + row * 3.2, text, size, gray=0.3)


def terms(pen: Pen, doc: Document, x: float, y: float, size: float = 8.5) -> float:
    if doc.due:
        pen.text(x, y, doc.labels.get("terms", date=when(doc, doc.due)), size)
    else:
        pen.text(x, y, doc.labels.get("terms_days", days="30"), size)
    pen.text(x, y + size * 0.5, doc.labels.get("thanks"), size)
    return y + size


def close(
    pen: Pen,
    doc: Document,
    y: float,
    *,
    footer_style: str = "columns",
    width: float = 80,
    boxed: bool = False,
    rows: list[tuple[str, Decimal, bool]] | None = None,
) -> bytes:
    """The usual end of a page: totals on the right under `y`, terms, the footer."""
    y = totals(pen, doc, 190, y + 4, width, boxed=boxed, rows=rows)
    terms(pen, doc, 20, y + 6)
    footer(pen, doc, style=footer_style)
    return pen.finish()
