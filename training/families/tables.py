"""Layouts that differ in their tables and totals: boxed meta fields, a monospaced ERP
printout, totals on the left, a VAT breakdown by rate, discounts and a heavy footer."""

from __future__ import annotations

import random
from collections.abc import Sequence

from training import blocks, items
from training.document import Document, Spec
from training.families.base import Family
from training.names import SOFTWARE
from training.render_pdf import Pen


def meta_boxes(
    pen: Pen, doc: Document, keys: Sequence[str], x: float, y: float, width: float
) -> float:
    """Each field in its own bordered cell: a small label above its value."""
    cell = width / len(keys)
    for index, key in enumerate(keys):
        left = x + index * cell
        pen.box(left, y, cell, 11)
        pen.text(left + 2, y + 3.8, blocks.meta_label(doc, key), 6.5, gray=0.35)
        pen.text(left + 2, y + 8.6, blocks.meta_value(doc, key), 9, bold=key == "number")
    return y + 15


def boxed_meta(doc: Document, rng: random.Random) -> bytes:
    pen = Pen()
    blocks.letterhead(pen, doc, 20, 18, size=14)
    blocks.address(pen, doc.buyer, 120, 24, heading=doc.labels.get("bill_to"))
    pen.text(20, 62, blocks.title(doc), 16, bold=True)
    keys = blocks.meta_keys(doc, "customer_no", "order_ref")
    y = meta_boxes(pen, doc, keys, 20, 68, 170)
    y = items.table(pen, doc, doc.lines, 20, y + 4, 170, style="grid", vat_column=True)
    return blocks.close(pen, doc, y, boxed=True)


def mono_printout(doc: Document, rng: random.Random) -> bytes:
    """An old ERP's monospaced printout: dashed rules, labels with dot leaders."""
    pen = Pen(face="mono")
    party = doc.supplier
    for row, text in enumerate((party.name, party.street, party.city, party.vat_id)):
        pen.text(20, 18 + row * 4, text, 9, bold=row == 0)
    blocks.address(pen, doc.buyer, 110, 40, size=9)
    pen.text(20, 66, "=" * 40, 9)
    pen.text(20, 70, blocks.title(doc), 11, bold=True)
    y = 76.0
    for key in blocks.meta_keys(doc, "customer_no", "delivery_date"):
        label = blocks.meta_label(doc, key)
        pen.text(20, y, f"{label} {'.' * max(2, 24 - len(label))} {blocks.meta_value(doc, key)}", 9)
        y += 4.2
    pen.text(20, y, "-" * 100, 8)
    y = items.table(pen, doc, doc.lines, 20, y + 5, 170, style="plain", size=8.5)
    pen.text(20, y - 2, "-" * 100, 8)
    y = blocks.totals(pen, doc, 190, y + 3, width=90, currency=False)
    pen.text(110, y, doc.style.country.currency, 9)
    blocks.terms(pen, doc, 20, y + 8)
    return pen.finish()


def totals_left(doc: Document, rng: random.Random) -> bytes:
    """Totals under the table on the left, the payment details beside them on the right."""
    pen = Pen()
    blocks.letterhead(pen, doc, 190, 20, align="right", size=13)
    blocks.address(pen, doc.buyer, 20, 48)
    pen.text(20, 82, blocks.title(doc), 14, bold=True)
    y = blocks.meta(pen, doc, blocks.meta_keys(doc), 20, 90, label_width=38)
    y = items.table(pen, doc, doc.lines, 20, y + 6, 170, style="rules")
    end = blocks.totals(pen, doc, 100, y + 4, width=80)
    party, labels = doc.supplier, doc.labels
    pen.text(120, y + 4, labels.get("bank"), 8.5, bold=True)
    for row, text in enumerate((f"IBAN {party.iban}", f"BIC {party.bic}", party.name)):
        pen.text(120, y + 8.5 + row * 4, text, 8)
    blocks.terms(pen, doc, 20, end + 6)
    blocks.footer(pen, doc, style="line")
    return pen.finish()


def vat_breakdown(doc: Document, rng: random.Random) -> bytes:
    """A table of net and tax per VAT rate above the grand total."""
    pen = Pen(face="condensed")
    labels = doc.labels
    blocks.letterhead(pen, doc, 20, 20, size=14)
    blocks.sender_line(pen, doc, 20, 47)
    blocks.address(pen, doc.buyer, 20, 53)
    blocks.meta(pen, doc, blocks.meta_keys(doc, "order_date"), 125, 53, right=190)
    pen.text(20, 90, blocks.title(doc), 14, bold=True)
    y = items.table(pen, doc, doc.lines, 20, 100, 170, style="striped", vat_column=True)
    heads = (labels.get("vat_col"), labels.get("net"), labels.get("tax"))
    for col, head in enumerate(heads):
        pen.text(60 + col * 40, y + 6, head, 8, bold=True, align="right")
    y += 10.5
    for rate, net, tax in doc.breakdown():
        for col, text in enumerate(
            (
                doc.style.rate(rate),
                items.money(doc, net, currency=False),
                items.money(doc, tax, currency=False),
            )
        ):
            pen.text(60 + col * 40, y, text, 8, align="right")
        y += 4.4
    pen.line(20, y - 2, 190, y - 2, 0.3)
    pen.text(120, y + 4, labels.get("total"), 11, bold=True)
    pen.text(190, y + 4, items.money(doc, doc.total), 11, bold=True, align="right")
    blocks.terms(pen, doc, 20, y + 14)
    blocks.footer(pen, doc)
    return pen.finish()


def discount(doc: Document, rng: random.Random) -> bytes:
    """A discount off the items: the reduced subtotal is not the total."""
    pen = Pen()
    blocks.letterhead(pen, doc, 20, 20, size=13)
    blocks.address(pen, doc.buyer, 120, 22, heading=doc.labels.get("bill_to"))
    pen.text(20, 60, blocks.title(doc), 15, bold=True)
    y = meta_boxes(pen, doc, blocks.meta_keys(doc, "delivery_date"), 20, 65, 170)
    y = items.table(pen, doc, doc.lines, 20, y + 4, 170, style="rules")
    return blocks.close(pen, doc, y, width=85, footer_style="line")


def footer_heavy(doc: Document, rng: random.Random) -> bytes:
    """The e-invoice format's name in the header and every number a company has in the footer."""
    pen = Pen()
    party, labels = doc.supplier, doc.labels
    pen.text(190, 10, rng.choice(SOFTWARE), 7, align="right", gray=0.45)
    blocks.letterhead(pen, doc, 20, 22, size=12, details=False)
    blocks.sender_line(pen, doc, 20, 45)
    blocks.address(pen, doc.buyer, 20, 51)
    keys = blocks.meta_keys(doc, "customer_no", "printed")
    blocks.meta(pen, doc, keys, 120, 51, label_width=34, size=8)
    pen.text(20, 88, blocks.title(doc), 13, bold=True)
    y = items.table(pen, doc, doc.lines, 20, 96, 170, style="plain")
    y = blocks.totals(pen, doc, 190, y + 4, width=75, size=8.5)
    blocks.terms(pen, doc, 20, y + 6)
    rows = (
        f"{party.name} · {party.street} · {party.city} · {labels.get('phone')} {party.phone}",
        f"{labels.get('director')}: {party.director} · {labels.get('registry')} {party.registry}"
        f" · {labels.get('vat_id')} {party.vat_id}",
        f"{labels.get('bank')}: IBAN {party.iban} · BIC {party.bic} · {party.email}",
    )
    for row, text in enumerate(rows):
        pen.text(105, 272 + row * 3.3, text, 6.5, align="center")
    return pen.finish()


def totals_in_table(doc: Document, rng: random.Random) -> bytes:
    """Net, VAT and total as the last rows of the item grid, under the amount column."""
    pen = Pen(face="condensed")
    blocks.letterhead(pen, doc, 105, 20, align="center", size=15)
    blocks.address(pen, doc.buyer, 20, 50, heading=doc.labels.get("bill_to"))
    blocks.meta(pen, doc, blocks.meta_keys(doc, "delivery_date"), 120, 50, label_width=36)
    pen.text(20, 84, blocks.title(doc), 14, bold=True)
    y = items.table(pen, doc, doc.lines, 20, 92, 170, style="grid")
    row_h = 8.5 * 0.62
    y -= 2
    for label, amount, bold in blocks.total_rows(doc):
        pen.box(20, y - row_h + 1.2, 170, row_h, fill=0.9 if bold else None)
        pen.text(20 + 170 * 0.76, y, label, 8.5, bold=bold, align="right")
        pen.text(188, y, items.money(doc, amount), 8.5, bold=bold, align="right")
        y += row_h
    blocks.terms(pen, doc, 20, y + 8)
    blocks.footer(pen, doc)
    return pen.finish()


FAMILIES = (
    Family("boxed-meta", boxed_meta),
    Family("mono-printout", mono_printout),
    Family("totals-left", totals_left),
    Family("vat-breakdown", vat_breakdown, Spec(lines=(3, 7), mixed_rates=True)),
    Family("discount", discount, Spec(discount=True)),
    Family("footer-heavy", footer_heavy),
    Family("totals-in-table", totals_in_table),
)
