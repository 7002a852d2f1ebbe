"""Receipts: narrow till slips from a shop and a restaurant, and a small cash receipt form."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from training import blocks
from training.document import Document, Spec
from training.families.base import Family
from training.render_pdf import Pen

WIDTH = 80.0
MARGIN = 5.0


@dataclass
class Slip:
    """Rows of a till slip, collected first because the paper is as long as its rows."""

    size: float = 8.0
    rows: list[tuple[str, str, float, bool, str]] = field(default_factory=list)

    def row(
        self,
        left: str,
        right: str = "",
        *,
        bold: bool = False,
        size: float | None = None,
        align: str = "left",
    ) -> None:
        self.rows.append((left, right, size or self.size, bold, align))

    def rule(self, char: str = "-") -> None:
        self.row(char * 40)

    def gap(self) -> None:
        self.row("", size=self.size * 0.6)

    def render(self, face: str = "mono") -> bytes:
        height = 2 * MARGIN + 4 + sum(size * 0.45 for _, _, size, _, _ in self.rows)
        pen = Pen((WIDTH, height), face=face)
        y = MARGIN + 3
        for left, right, size, bold, align in self.rows:
            x = {"left": MARGIN, "center": WIDTH / 2, "right": WIDTH - MARGIN}[align]
            pen.text(x, y, left, size, bold=bold, align=align)
            if right:
                pen.text(WIDTH - MARGIN, y, right, size, bold=bold, align="right")
            y += size * 0.45
        return pen.finish()


def header(slip: Slip, doc: Document) -> None:
    party = doc.supplier
    slip.row(party.name, bold=True, size=9.5, align="center")
    for text in (
        party.street,
        party.city,
        f"{doc.labels.get('phone')} {party.phone}",
        f"{doc.labels.get('vat_id')} {party.vat_id}",
    ):
        slip.row(text, align="center")
    slip.gap()


def items(slip: Slip, doc: Document) -> None:
    for line in doc.lines:
        code = "AB"[doc.style.country.vat_rates.index(f"{line.rate.normalize():f}") % 2]
        if line.quantity != 1:
            slip.row(f"  {line.quantity:f} x {doc.style.number(line.unit_price)}")
        slip.row(line.description[:26], f"{doc.style.number(line.amount)} {code}")


def vat_summary(slip: Slip, doc: Document) -> None:
    labels = doc.labels
    heads = f"{labels.get('net_short'):>10} {labels.get('tax_short'):>8}"
    slip.row(labels.get("vat_col"), heads)
    for rate, net, tax in doc.breakdown():
        amounts = f"{doc.style.number(net):>10} {doc.style.number(tax):>8}"
        slip.row(doc.style.rate(rate), amounts)


def till(doc: Document, rng: random.Random) -> bytes:
    labels = doc.labels
    slip = Slip()
    header(slip, doc)
    moment = f"{blocks.when(doc, doc.issue)} {rng.randrange(7, 21):02d}:{rng.randrange(60):02d}"
    slip.row(moment, f"{labels.get('cashier')} {rng.randrange(1, 9)}")
    slip.row(f"{labels.get('receipt_number')} {doc.number}")
    slip.rule()
    items(slip, doc)
    slip.rule()
    total = f"{doc.style.country.currency} {doc.style.number(doc.total)}"
    slip.row(labels.get("receipt_total"), total, bold=True, size=10)
    slip.gap()
    if rng.random() < 0.5:
        slip.row(labels.get("card"), doc.style.number(doc.total))
    else:
        given = (doc.total // 10 + 1) * 10
        slip.row(labels.get("cash"), doc.style.number(given))
        slip.row(labels.get("change"), doc.style.number(given - doc.total))
    slip.rule()
    vat_summary(slip, doc)
    slip.gap()
    slip.row(labels.get("thanks"), align="center")
    return slip.render()


def restaurant(doc: Document, rng: random.Random) -> bytes:
    labels = doc.labels
    slip = Slip(size=8.5)
    header(slip, doc)
    slip.row(
        f"{labels.get('table')} {rng.randrange(1, 40)}",
        f"{labels.get('cashier')} {doc.supplier.contact.split()[0]}",
    )
    slip.row(f"{labels.get('receipt_number')} {doc.number}")
    slip.row(f"{blocks.when(doc, doc.issue)} {rng.randrange(11, 23):02d}:{rng.randrange(60):02d}")
    slip.rule("=")
    items(slip, doc)
    slip.rule("=")
    slip.row(labels.get("receipt_total"), doc.style.money(doc.total), bold=True, size=11)
    for rate, net, tax in doc.breakdown():
        slip.row(f"{labels.get('vat_included')} {doc.style.rate(rate)}", doc.style.number(tax))
        slip.row(f"{labels.get('net')}", doc.style.number(net))
    slip.gap()
    slip.row(labels.get("card"), doc.style.money(doc.total))
    slip.gap()
    slip.row(labels.get("thanks"), align="center")
    return slip.render(face="condensed")


def cash_receipt(doc: Document, rng: random.Random) -> bytes:
    """A small printed receipt form: an amount received, what for, place, date, signature."""
    pen = Pen((148.0, 105.0))
    labels, party = doc.labels, doc.supplier
    pen.box(6, 6, 136, 93)
    pen.text(12, 16, labels.get("cash_receipt"), 15, bold=True)
    pen.text(136, 16, f"{labels.get('receipt_number')} {doc.number}", 8.5, align="right")
    pen.box(88, 21, 48, 10, fill=0.93)
    pen.text(133, 28, doc.style.money(doc.total), 12, bold=True, align="right")
    pen.text(12, 28, f"{labels.get('vat_included')}", 8)
    pen.text(12, 42, f"{labels.get('received_from')}: {doc.buyer.name}", 9)
    pen.line(12, 43.5, 136, 43.5, 0.2)
    pen.text(12, 54, f"{labels.get('description')}: {doc.lines[0].description}", 9)
    pen.line(12, 55.5, 136, 55.5, 0.2)
    pen.text(12, 68, f"{party.town}, {blocks.when(doc, doc.issue)}", 9)
    pen.line(12, 69.5, 70, 69.5, 0.2)
    pen.text(80, 80, party.name, pen.fit(party.name, 9, 58, bold=True), bold=True)
    pen.text(80, 84.5, party.street, 8)
    pen.text(80, 88.5, party.city, 8)
    pen.text(80, 92.5, f"{labels.get('vat_id')} {party.vat_id}", 7)
    return pen.finish()


def fuel(doc: Document, rng: random.Random) -> bytes:
    """A fuel station slip: litres at a three-decimal price, card terminal lines."""
    labels, style = doc.labels, doc.style
    slip = Slip(size=7.5)
    header(slip, doc)
    moment = f"{blocks.when(doc, doc.issue)} {rng.randrange(6, 23):02d}:{rng.randrange(60):02d}"
    slip.row(moment, f"{labels.get('pump')} {rng.randrange(1, 12)}")
    slip.row(f"{labels.get('receipt_number')} {doc.number}")
    slip.rule()
    first, *shop = doc.lines
    slip.row(first.description, bold=True)
    per_litre = f"{style.number(first.unit_price, 3)} {style.country.currency}/l"
    slip.row(f"  {style.number(first.quantity)} l x {per_litre}", style.number(first.amount))
    for line in shop:
        slip.row(line.description[:24], style.number(line.amount))
    slip.rule()
    slip.row(labels.get("receipt_total"), style.money(doc.total), bold=True, size=10)
    slip.gap()
    slip.row(labels.get("card"), style.money(doc.total))
    slip.row(f"**** **** **** {rng.randrange(1000, 9999)}", f"TID {rng.randrange(10**7, 10**8)}")
    slip.rule()
    vat_summary(slip, doc)
    slip.gap()
    slip.row(labels.get("thanks"), align="center")
    return slip.render()


RECEIPT = Spec(kind="receipt", shows_due=False, lines=(2, 9))
FAMILIES = (
    Family("receipt-till", till, RECEIPT, narrow=True),
    Family("receipt-restaurant", restaurant, RECEIPT, narrow=True),
    Family(
        "receipt-fuel", fuel, Spec(kind="receipt", variant="fuel", shows_due=False), narrow=True
    ),
    Family(
        "cash-receipt",
        cash_receipt,
        Spec(kind="receipt", shows_due=False, shows_tax=False, lines=(1, 1)),
        narrow=True,
    ),
)
