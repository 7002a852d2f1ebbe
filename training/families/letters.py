"""Business-letter layouts: where the letterhead, the address window and the meta block sit."""

from __future__ import annotations

import dataclasses
import random

from training import blocks, items
from training.document import Document
from training.families.base import Family
from training.names import SOFTWARE, WORDS
from training.render_pdf import Pen


def letterhead_left(doc: Document, rng: random.Random) -> bytes:
    pen = Pen()
    blocks.letterhead(pen, doc, 20, 20)
    blocks.address(pen, doc.buyer, 20, 52)
    blocks.meta(pen, doc, blocks.meta_keys(doc, "customer_no"), 120, 52, label_width=36)
    pen.text(20, 92, blocks.title(doc), 16, bold=True)
    y = items.table(pen, doc, doc.lines, 20, 104, 170, style="rules")
    return blocks.close(pen, doc, y)


def letterhead_right(doc: Document, rng: random.Random) -> bytes:
    pen = Pen(face="serif")
    blocks.letterhead(pen, doc, 190, 18, align="right", size=14)
    blocks.sender_line(pen, doc, 20, 47)
    blocks.address(pen, doc.buyer, 20, 53)
    pen.text(20, 90, blocks.title(doc), 14, bold=True)
    y = blocks.meta(
        pen, doc, blocks.meta_keys(doc, "order_ref"), 20, 98, label_width=40, colon=True
    )
    y = items.table(pen, doc, doc.lines, 20, y + 6, 170, style="grid", vat_column=True)
    return blocks.close(pen, doc, y, boxed=True, footer_style="line")


def sender_line_window(doc: Document, rng: random.Random) -> bytes:
    """DIN 5008 style: a tiny sender line above the window, an info block to the right."""
    pen = Pen()
    brand = doc.supplier.brand
    pen.text(190, 22, brand.upper(), 22, bold=True, align="right", gray=0.35)
    blocks.sender_line(pen, doc, 20, 47)
    blocks.address(pen, doc.buyer, 20, 53, attention=doc.buyer.contact)
    keys = blocks.meta_keys(doc, "customer_no", "delivery_date", "contact")
    blocks.meta(pen, doc, keys, 125, 50, size=8, right=190)
    pen.text(20, 100, f"{blocks.title(doc)} {doc.number}", 12, bold=True)
    y = items.table(pen, doc, doc.lines, 20, 112, 170, style="plain")
    pen.line(110, y - 1, 190, y - 1, 0.4)
    return blocks.close(pen, doc, y)


def buyer_right(doc: Document, rng: random.Random) -> bytes:
    """French-style: seller top left, customer block on the right under a heading."""
    pen = Pen()
    blocks.letterhead(pen, doc, 20, 20, size=13)
    blocks.address(pen, doc.buyer, 115, 48, heading=doc.labels.get("bill_to"))
    pen.text(20, 78, blocks.title(doc), 18, bold=True)
    y = blocks.meta(
        pen, doc, blocks.meta_keys(doc, "order_date"), 20, 88, colon=True, label_width=42
    )
    y = items.table(pen, doc, doc.lines, 20, y + 8, 170, style="striped", vat_column=True)
    return blocks.close(pen, doc, y, width=75, footer_style="line")


def centered_header(doc: Document, rng: random.Random) -> bytes:
    pen = Pen(face="serif")
    party = doc.supplier
    pen.text(105, 22, party.name, 18, bold=True, align="center")
    pen.text(105, 29, f"{party.street} · {party.city} · {party.web}", 8, align="center")
    pen.line(20, 33, 190, 33, 0.6)
    pen.text(105, 45, blocks.title(doc), 15, bold=True, align="center")
    blocks.address(pen, doc.buyer, 20, 58, heading=doc.labels.get("bill_to"))
    blocks.meta(pen, doc, blocks.meta_keys(doc, "customer_no"), 115, 58, right=190)
    y = items.table(pen, doc, doc.lines, 20, 90, 170, style="grid")
    return blocks.close(pen, doc, y, boxed=True, footer_style="line")


def banner_title(doc: Document, rng: random.Random) -> bytes:
    """A huge title top right and the producing software's name in the header."""
    pen = Pen()
    pen.text(20, 10, f"{doc.labels.get('created_with')} {rng.choice(SOFTWARE)}", 6.5, gray=0.4)
    pen.text(190, 26, blocks.title(doc), 26, bold=True, align="right", gray=0.3)
    blocks.letterhead(pen, doc, 20, 26, size=12)
    blocks.address(pen, doc.buyer, 20, 68, heading=doc.labels.get("bill_to"))
    blocks.meta(pen, doc, blocks.meta_keys(doc, "order_ref"), 120, 68, right=190)
    y = items.table(pen, doc, doc.lines, 20, 100, 170, style="dark")
    return blocks.close(pen, doc, y, width=70)


def sidebar(doc: Document, rng: random.Random) -> bytes:
    """Supplier details down a shaded column on the left, the invoice to its right."""
    pen = Pen(face="condensed")
    party, labels = doc.supplier, doc.labels
    pen.box(0, 0, 55, 297, fill=0.9, stroke=False)
    y = 25.0
    pen.text(8, y, party.name, pen.fit(party.name, 10.5, 44, bold=True), bold=True)
    rows = [
        party.street,
        party.city,
        party.country,
        "",
        f"{labels.get('phone')} {party.phone}",
        party.email,
        party.web,
        "",
        labels.get("vat_id"),
        party.vat_id,
        "",
        labels.get("bank"),
        party.iban,
        party.bic,
        "",
        labels.get("director"),
        party.director,
    ]
    for row in rows:
        y += 4
        pen.text(8, y, row, 7.5)
    pen.text(65, 28, blocks.title(doc), 20, bold=True)
    blocks.meta(pen, doc, blocks.meta_keys(doc), 65, 40, label_width=34)
    blocks.address(pen, doc.buyer, 140, 40, heading=labels.get("bill_to"), size=8.5)
    y = items.table(pen, doc, doc.lines, 65, 75, 130, style="rules", size=8)
    y = blocks.totals(pen, doc, 195, y + 4, width=70, size=8.5)
    blocks.terms(pen, doc, 65, y + 6, size=8)
    return pen.finish()


def place_date_letter(doc: Document, rng: random.Random) -> bytes:
    """A letter dated only by "Town, date" over the subject: no date label at all."""
    pen = Pen(face="serif")
    labels = doc.labels
    blocks.letterhead(pen, doc, 20, 20, size=14)
    blocks.sender_line(pen, doc, 20, 47)
    blocks.address(pen, doc.buyer, 20, 53)
    place = labels.get("place_date", city=doc.supplier.town, date=blocks.when(doc, doc.issue))
    pen.text(190, 82, place, 9.5, align="right")
    pen.text(20, 94, f"{blocks.title(doc)} {doc.number}", 11, bold=True)
    pen.text(20, 104, labels.get("salutation"), 9.5)
    pen.text(20, 110, labels.get("we_invoice", date=blocks.when(doc, doc.delivery)), 9.5)
    y = items.table(pen, doc, doc.lines, 20, 120, 170, style="plain")
    pen.line(20, y - 2, 190, y - 2, 0.3)
    y = blocks.totals(pen, doc, 190, y + 4, width=85)
    y = blocks.terms(pen, doc, 20, y + 6)
    pen.text(20, y + 6, labels.get("regards"), 9.5)
    pen.text(20, y + 16, doc.supplier.director, 9.5)
    blocks.footer(pen, doc)
    return pen.finish()


def bill_ship_to(doc: Document, rng: random.Random) -> bytes:
    """Title, number and date stacked top right; bill-to and ship-to blocks side by side;
    a balance due repeated under the total."""
    pen = Pen()
    labels = doc.labels
    pen.text(190, 24, blocks.title(doc).upper(), 22, bold=True, align="right", gray=0.2)
    blocks.meta(pen, doc, blocks.meta_keys(doc, "order_ref"), 120, 32, right=190, colon=True)
    blocks.letterhead(pen, doc, 20, 20, size=12)
    blocks.address(pen, doc.buyer, 20, 60, heading=labels.get("bill_to"))
    depot = dataclasses.replace(
        doc.buyer,
        street=f"{rng.choice(WORDS[doc.style.language]['street'])} {rng.randrange(1, 99)}",
    )
    blocks.address(pen, depot, 110, 60, heading=labels.get("ship_to"))
    y = items.table(pen, doc, doc.lines, 20, 86, 170, style="striped")
    rows = blocks.total_rows(doc)
    if not doc.prepaid:
        rows.append((labels.get("amount_due"), doc.amount_due, True))
    return blocks.close(pen, doc, y, width=80, boxed=True, rows=rows, footer_style="line")


FAMILIES = (
    Family("letterhead-left", letterhead_left),
    Family("letterhead-right", letterhead_right),
    Family("sender-line-window", sender_line_window),
    Family("buyer-right", buyer_right),
    Family("centered-header", centered_header),
    Family("banner-title", banner_title),
    Family("sidebar", sidebar),
    Family("place-date-letter", place_date_letter),
    Family("bill-ship-to", bill_ship_to),
)
