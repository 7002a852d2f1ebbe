"""Documents whose totals or dates are easy to confuse: credit notes, advance and final
invoices, multi-page invoices with carried-over sums, service periods, utility bills and
pages that name people and the customer's company."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from training import blocks, items
from training.document import Document, Spec
from training.families.base import Family
from training.families.tables import meta_boxes
from training.render_pdf import Pen


def related_line(doc: Document) -> str:
    """The invoice a credit note corrects, with its own (earlier) date."""
    day = blocks.when(doc, doc.issue - dt.timedelta(days=40))
    return doc.labels.get("refers_to", number=doc.related_number, date=day)


def credit_note(doc: Document, rng: random.Random) -> bytes:
    pen = Pen()
    blocks.letterhead(pen, doc, 20, 20)
    blocks.address(pen, doc.buyer, 20, 52)
    blocks.meta(pen, doc, blocks.meta_keys(doc, "customer_no"), 120, 52, label_width=36)
    pen.text(20, 90, blocks.title(doc), 16, bold=True)
    pen.text(20, 97, related_line(doc), 9)
    y = items.table(pen, doc, doc.lines, 20, 108, 170, style="rules")
    y = blocks.totals(pen, doc, 190, y + 4)
    blocks.footer(pen, doc)
    return pen.finish()


def credit_note_boxed(doc: Document, rng: random.Random) -> bytes:
    pen = Pen(face="serif")
    party = doc.supplier
    pen.text(105, 20, party.name, 16, bold=True, align="center")
    pen.text(105, 26, f"{party.street} · {party.city}", 8, align="center")
    blocks.address(pen, doc.buyer, 120, 40, heading=doc.labels.get("bill_to"))
    pen.text(20, 44, blocks.title(doc), 18, bold=True)
    y = meta_boxes(pen, doc, blocks.meta_keys(doc, "customer_no"), 20, 70, 170)
    pen.text(20, y + 1, related_line(doc), 9, bold=True)
    y = items.table(pen, doc, doc.lines, 20, y + 10, 170, style="grid", vat_column=True)
    y = blocks.totals(pen, doc, 190, y + 4, boxed=True)
    blocks.footer(pen, doc, style="line")
    return pen.finish()


def advance_invoice(doc: Document, rng: random.Random) -> bytes:
    """Bills a share of an order: the order's value is printed and is not the total."""
    pen = Pen()
    labels = doc.labels
    blocks.letterhead(pen, doc, 190, 18, align="right", size=13)
    blocks.sender_line(pen, doc, 20, 47)
    blocks.address(pen, doc.buyer, 20, 53)
    pen.text(20, 88, blocks.title(doc), 15, bold=True)
    y = blocks.meta(
        pen, doc, blocks.meta_keys(doc, "order_ref", "order_date"), 20, 96, label_width=40
    )
    order_value = Decimal(doc.extra["order_value"])
    pen.text(20, y + 4, f"{labels.get('order_value')}: {items.money(doc, order_value)}", 9)
    y = items.table(pen, doc, doc.lines, 20, y + 14, 170, style="rules")
    return blocks.close(pen, doc, y)


def final_invoice(doc: Document, rng: random.Random) -> bytes:
    """Deducts what was paid in advance: the amount due is below the total."""
    pen = Pen()
    blocks.letterhead(pen, doc, 20, 20, size=13)
    blocks.address(pen, doc.buyer, 120, 24, heading=doc.labels.get("bill_to"))
    pen.text(20, 62, blocks.title(doc), 15, bold=True)
    y = meta_boxes(pen, doc, blocks.meta_keys(doc, "order_ref"), 20, 68, 170)
    y = items.table(pen, doc, doc.lines, 20, y + 4, 170, style="striped")
    rows = blocks.total_rows(doc)
    rows = [
        (f"{label} ({doc.related_number})" if amount == -doc.prepaid else label, amount, bold)
        for label, amount, bold in rows
    ]
    return blocks.close(pen, doc, y, width=95, rows=rows, footer_style="line")


def continuation_header(pen: Pen, doc: Document, page: int, pages: int) -> None:
    """What later pages repeat: seller, number, date and page count."""
    labels = doc.labels
    pen.text(20, 15, doc.supplier.name, 10, bold=True)
    pen.text(20, 21, f"{blocks.title(doc)} {doc.number}", 9)
    pen.text(20, 25.5, f"{labels.get('date')} {blocks.when(doc, doc.issue)}", 9)
    pen.text(190, 15, f"{labels.get('page')} {page}/{pages}", 8, align="right")


def multi_page(doc: Document, rng: random.Random) -> bytes:
    """Items run over pages with carried-forward sums; totals only on the last page."""
    pen = Pen()
    labels = doc.labels
    first = rng.randint(10, 14)
    chunks = [doc.lines[:first]]
    chunks += [doc.lines[i : i + 22] for i in range(first, len(doc.lines), 22)]
    blocks.letterhead(pen, doc, 20, 20, size=13)
    blocks.address(pen, doc.buyer, 20, 50)
    blocks.meta(pen, doc, blocks.meta_keys(doc, "customer_no"), 120, 50, label_width=36)
    pen.text(20, 86, blocks.title(doc), 15, bold=True)
    pen.text(190, 86, f"{labels.get('page')} 1/{len(chunks)}", 8, align="right")
    carried, y = Decimal(0), 96.0
    for page, chunk in enumerate(chunks, start=1):
        if page > 1:
            pen.new_page()
            continuation_header(pen, doc, page, len(chunks))
            pen.text(22, 36, labels.get("brought"), 8.5, bold=True)
            pen.text(188, 36, items.money(doc, carried, currency=False), 8.5, align="right")
            y = 44.0
        y = items.table(pen, doc, chunk, 20, y, 170, style="rules")
        carried += sum((line.amount for line in chunk), Decimal(0))
        if page < len(chunks):
            pen.text(22, y + 2, labels.get("carried"), 8.5, bold=True)
            pen.text(
                188,
                y + 2,
                items.money(doc, carried, currency=False),
                8.5,
                bold=True,
                align="right",
            )
        blocks.footer(pen, doc)
    y = blocks.totals(pen, doc, 190, y + 4)
    blocks.terms(pen, doc, 20, y + 6)
    return pen.finish()


def service_period(doc: Document, rng: random.Random) -> bytes:
    """Services billed for a period, with order, delivery, print and due dates around."""
    pen = Pen(face="condensed")
    blocks.letterhead(pen, doc, 20, 18, size=14)
    pen.box(118, 14, 72, 44, fill=0.94, stroke=False)
    keys = blocks.meta_keys(doc, "service_period", "order_date", "delivery_date", "printed")
    blocks.meta(pen, doc, keys, 121, 20, size=8, right=187)
    blocks.address(pen, doc.buyer, 20, 62, heading=doc.labels.get("bill_to"))
    pen.text(20, 92, blocks.title(doc), 15, bold=True)
    y = items.table(pen, doc, doc.lines, 20, 102, 170, style="rules", vat_column=True)
    return blocks.close(pen, doc, y, width=80)


def persons(doc: Document, rng: random.Random) -> bytes:
    """Names of people everywhere: director under the letterhead, contacts, a signature."""
    pen = Pen()
    labels, party = doc.labels, doc.supplier
    blocks.letterhead(pen, doc, 20, 20, size=13, details=False)
    pen.text(20, 26, f"{labels.get('director')}: {party.director}", 9)
    pen.text(20, 30.5, f"{party.street} · {party.city}", 8, gray=0.3)
    blocks.address(pen, doc.buyer, 20, 52, attention=doc.buyer.contact)
    keys = blocks.meta_keys(doc, "contact", "customer_no")
    y = blocks.meta(pen, doc, keys, 120, 52, label_width=36)
    pen.text(120, y, f"{labels.get('phone')} {party.phone}", 8.5)
    pen.text(20, 88, f"{blocks.title(doc)} · {doc.buyer.name}", 13, bold=True)
    y = items.table(pen, doc, doc.lines, 20, 98, 170, style="rules")
    y = blocks.totals(pen, doc, 190, y + 4)
    y = blocks.terms(pen, doc, 20, y + 6)
    pen.text(20, y + 6, labels.get("regards"), 9)
    pen.text(20, y + 18, party.contact, 9, bold=True)
    pen.text(20, y + 22, labels.get("contact"), 8)
    blocks.footer(pen, doc)
    return pen.finish()


def utility_bill(doc: Document, rng: random.Random) -> bytes:
    """Consumption, meter readings and instalments already paid; a direct debit date."""
    pen = Pen()
    labels = doc.labels
    blocks.letterhead(pen, doc, 190, 18, align="right", size=13)
    blocks.sender_line(pen, doc, 20, 47)
    blocks.address(pen, doc.buyer, 20, 53)
    keys = blocks.meta_keys(doc, "customer_no", "service_period")
    y = blocks.meta(pen, doc, keys, 20, 80, label_width=44)
    reading = rng.randrange(10000, 90000)
    used = rng.randrange(800, 6000)
    pen.text(20, y + 3, f"{labels.get('meter')} {rng.randrange(10**7, 10**8)}", 8.5)
    pen.text(20, y + 7.5, f"{reading} → {reading + used} kWh", 8.5)
    pen.text(20, y + 12, f"{labels.get('consumption')}: {used} kWh", 8.5, bold=True)
    pen.text(120, 80, blocks.title(doc), 15, bold=True)
    y = items.table(pen, doc, doc.lines, 20, y + 24, 170, style="grid")
    y = blocks.totals(pen, doc, 190, y + 4, width=90)
    if doc.due:
        pen.text(20, y + 6, labels.get("direct_debit", date=blocks.when(doc, doc.due)), 9)
    blocks.footer(pen, doc)
    return pen.finish()


FAMILIES = (
    Family("credit-note", credit_note, Spec(kind="credit_note", shows_due=False, lines=(1, 3))),
    Family(
        "credit-note-boxed",
        credit_note_boxed,
        Spec(kind="credit_note", shows_due=False, lines=(1, 4)),
    ),
    Family("advance-invoice", advance_invoice, Spec(variant="advance")),
    Family("final-invoice", final_invoice, Spec(variant="final")),
    Family("multi-page", multi_page, Spec(lines=(24, 50))),
    Family("service-period", service_period),
    Family("persons", persons),
    Family("utility-bill", utility_bill, Spec(variant="final", lines=(2, 3))),
)
