"""New producers: eight layout families unlike the training corpus's, for evaluation only.

    .venv/bin/python -m training.evaluate --unseen [--per-family 4]

Nothing here is ever trained on (`training.train` does not import it, and leave-one-family-
out does not see it). The families imitate how other producers print invoices in German,
French and English: utilities, insurers, transport companies, software subscriptions,
consultancies, credit notes, a VAT summary grid, an order/delivery invoice. They differ
from `training.families` on purpose:

- their own label words (`WORDS`, not `training.vocab`): *Vertragskonto*, *Ablesedatum*,
  *Date of issue*, *Note d'honoraires*, *Montant à rembourser*, *Nachzahlung* …;
- the seller's name only in a logo (its brand word), in a sign-off or in the footer; the
  buyer's block first; several dates (service period, reading, travel, booking, dispatch,
  print) around the issue date, which is sometimes printed without a label
  (`Paris, le 14/03/2026`) or below the totals;
- deductions and distractors in the totals: advances paid, next instalments, early-payment
  discount amounts, a VAT grid with net, tax and gross on one line, amounts with spaces
  as thousands separators, lump sums in the terms (*indemnité forfaitaire de 40 €*);
- their own company names and legal forms (*Stadtwerke …*, *Versicherung AG*, *SE*,
  *EURL*, *& Partner mbB*, *LLP*).

The documents come from `training.document.make_document` (parties, lines, dates, truth)
with the supplier renamed, so the truth is computed the same way as the corpus's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from training.document import Document, Line, Spec, cents, make_document
from training.locales import MONTHS
from training.parties import Party
from training.render_pdf import Pen

SEED = 7000
LANGUAGES = ("en", "fr", "de")

# The producers' words and company names (`training/vocab/unseen.json`): words[key]
# [language] -> synonyms, one drawn per document and kept; names[kind][language] ->
# patterns of company names; brands and surnames fill them.
_DATA = json.loads((Path(__file__).parent / "vocab" / "unseen.json").read_text("utf-8"))
WORDS: dict[str, dict[str, list[str]]] = _DATA["words"]
NAMES: dict[str, dict[str, list[str]]] = _DATA["names"]
BRANDS: tuple[str, ...] = tuple(_DATA["brands"])
SURNAMES: tuple[str, ...] = tuple(_DATA["surnames"])


class Words:
    """One document's choice of words, drawn once per key."""

    def __init__(self, language: str, rng: random.Random) -> None:
        self.language = language
        self._rng = rng
        self._chosen: dict[str, str] = {}

    def __call__(self, key: str, **values: str) -> str:
        if key not in self._chosen:
            self._chosen[key] = self._rng.choice(WORDS[key][self.language])
        text = self._chosen[key]
        return text.format(**values) if values else text


def rename(doc: Document, rng: random.Random, kind: str) -> Party:
    """The supplier under a name of this producer kind, its brand the distinctive word."""
    brand, surname = rng.choice(BRANDS), rng.choice(SURNAMES)
    pattern = rng.choice(NAMES[kind][doc.style.language])
    name = pattern.format(brand=brand, surname=surname)
    word = surname if "{surname}" in pattern else brand
    domain = word.lower()
    tld = {"GB": "co.uk", "US": "com"}.get(doc.style.country.code, doc.style.country.code.lower())
    return dataclasses.replace(
        doc.supplier,
        name=name,
        brand=word,
        email=f"{rng.choice(('billing', 'service', 'hello'))}@{domain}.{tld}",
        web=f"www.{domain}.{tld}",
    )


def money(doc: Document, value: Decimal, *, currency: bool = True) -> str:
    shown = doc.shown(value)
    return doc.style.money(shown) if currency else doc.style.number(shown)


def day(doc: Document, when: dt.date, *, short: bool = False) -> str:
    if short and doc.style.language == "en":
        month = MONTHS["en"][when.month - 1][:3]
        return (
            f"{month} {when.day}, {when.year}"
            if doc.style.country.code == "US"
            else (f"{when.day} {month} {when.year}")
        )
    return doc.style.date(when)


def rows_at(
    pen: Pen,
    x: float,
    y: float,
    rows: list[tuple[str, str]],
    *,
    size: float = 8.5,
    width: float = 40,
    right: float | None = None,
    bold_last: bool = False,
) -> float:
    """Label/value pairs, values at `x + width` or right-aligned at `right`."""
    for index, (label, value) in enumerate(rows):
        bold = bold_last and index == len(rows) - 1
        pen.text(x, y, label, size, bold=bold)
        if right is None:
            pen.text(x + width, y, value, size, bold=bold)
        else:
            pen.text(right, y, value, size, bold=bold, align="right")
        y += size * 0.5
    return y


def block(pen: Pen, x: float, y: float, lines: list[str], size: float = 9) -> float:
    for text in lines:
        pen.text(x, y, text, size)
        y += size * 0.46
    return y


def table(
    pen: Pen,
    doc: Document,
    at: tuple[float, float],
    rng: random.Random | None = None,
    heads: str = "",
    describe: Callable[[int, Line], str] | None = None,
) -> float:
    """The document's lines under `heads` ("a|b|c|d"; else one of `cols`, drawn by
    `rng`), 170 mm wide from `at` (x, y)."""
    if rng is not None:
        heads = rng.choice(WORDS["cols"][doc.style.language])
    (x, y), width, size, lines = at, 170, 8.5, doc.lines
    stops = [x + 2, x + width * 0.62, x + width * 0.8, x + width - 2]
    for index, (head, stop) in enumerate(zip(heads.split("|"), stops, strict=True)):
        pen.text(stop, y, head, size, bold=True, align="left" if index == 0 else "right")
    pen.line(x, y + 1.4, x + width, y + 1.4, 0.3)
    y += size * 0.65
    for index, line in enumerate(lines):
        text = describe(index, line) if describe else line.description
        cells = [
            text,
            f"{line.quantity:f}",
            money(doc, line.unit_price, currency=False),
            money(doc, line.amount, currency=False),
        ]
        for col, (cell, stop) in enumerate(zip(cells, stops, strict=True)):
            pen.text(stop, y, cell, size, align="left" if col == 0 else "right")
        y += size * 0.6
    pen.line(x, y - 2, x + width, y - 2, 0.3)
    return y + 2


def footer_line(pen: Pen, doc: Document, w: Words, *, name: bool = True) -> None:
    party = doc.supplier
    first = f"{party.name} · {w('seat')}: {party.town}" if name else f"{w('seat')}: {party.town}"
    rows = [
        f"{first} · {party.registry} · {party.vat_id}",
        f"{party.street}, {party.city} · {party.phone} · {party.email} · {party.web}",
        f"IBAN {party.iban} · BIC {party.bic}",
    ]
    pen.line(20, 272, 190, 272, 0.2)
    for index, text in enumerate(rows):
        pen.text(105, 276 + index * 3.3, text, pen.fit(text, 6.5, 170), align="center", gray=0.3)


def rate_text(doc: Document, rate: Decimal) -> str:
    return doc.style.rate(rate)


def vat_rows(
    pen: Pen, doc: Document, w: Words, stops: tuple[float, ...], y: float, *, rule: bool = False
) -> float:
    """A VAT grid's heads (rate, net, tax, gross) and a row per rate, right-aligned at
    `stops`; returns where the next row goes."""
    heads = (w("grid_rate"), w("grid_net"), w("grid_tax"), w("grid_gross"))
    y += 4
    for head, stop in zip(heads, stops, strict=True):
        pen.text(stop, y, head, 8, bold=True, align="right")
    if rule:
        pen.line(20, y + 1.3, 190, y + 1.3, 0.3)
    y += 4.5
    for rate, net, tax in doc.breakdown():
        cells = (
            rate_text(doc, rate),
            money(doc, net, currency=False),
            money(doc, tax, currency=False),
            money(doc, net + tax, currency=False),
        )
        for cell, stop in zip(cells, stops, strict=True):
            pen.text(stop, y, cell, 8, align="right")
        y += 4.2
    return y


def utility(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Energy bill: brand logo only, buyer first, period and reading dates, instalments
    already paid deducted, a next instalment and a debit date; legal name in the footer."""
    pen = Pen(face=rng.choice(("sans", "condensed")))
    party = doc.supplier
    pen.text(20, 20, party.brand.upper(), 24, bold=True, gray=0.35)
    pen.text(20, 26, w("tagline"), 8, gray=0.5)
    if rng.random() < 0.5:
        pen.text(20, 45, f"{party.name}, {party.street}, {party.city}", 6)
    block(pen, 20, 50, [doc.buyer.name, doc.buyer.street, doc.buyer.city])
    start, end = doc.period
    read_on = end + dt.timedelta(days=rng.randrange(1, 4))
    rows = [
        (w("account"), doc.customer_no),
        (w("number"), doc.number),
        (w("issue"), day(doc, doc.issue)),
        (w("period"), f"{day(doc, start)} \u2013 {day(doc, end)}"),
        (w("reading"), day(doc, read_on)),
    ]
    rng.shuffle(rows)
    rows_at(pen, 118, 48, rows, size=8, right=190)
    pen.text(20, 92, w("utility_title"), 14, bold=True)
    items = WORDS["utility_items"][doc.style.language]
    y = table(pen, doc, (20, 102), rng, describe=lambda i, _: items[i % len(items)])
    totals = [(w("sum_net"), money(doc, doc.net))]
    for rate, _, tax in doc.breakdown():
        totals.append((f"{w('vat')} {rate_text(doc, rate)}", money(doc, tax)))
    totals += [
        (w("gross"), money(doc, doc.total)),
        (w("instalments"), money(doc, -doc.prepaid)),
        (w("balance"), money(doc, doc.amount_due)),
    ]
    y = rows_at(pen, 100, y + 4, totals, size=9, right=190, bold_last=True)
    monthly = cents(doc.total / 11)
    after = dt.date(doc.issue.year, doc.issue.month, 1) + dt.timedelta(days=35)
    pen.text(
        20,
        y + 6,
        w("next_instalment", date=day(doc, after.replace(day=1)), amount=money(doc, monthly)),
        8.5,
    )
    if doc.due:
        pen.text(20, y + 11, w("debit", date=day(doc, doc.due)), 8.5)
    footer_line(pen, doc, w)
    return pen.finish()


def insurance(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Premium notice: dated only by the place line, period of cover, insurance tax;
    the insurer's name in the sign-off and the footer, its brand as the logo."""
    pen = Pen(face=rng.choice(("serif", "sans")))
    party = doc.supplier
    pen.text(190, 22, party.brand, 22, bold=True, align="right", gray=0.3)
    block(pen, 20, 50, [doc.buyer.name, doc.buyer.contact, doc.buyer.street, doc.buyer.city])
    place = w("place", town=party.town, date=day(doc, doc.issue))
    pen.text(190, 80, place, 9, align="right")
    start = doc.issue + dt.timedelta(days=rng.randrange(10, 40))
    end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    rows = [
        (w("policy"), f"{rng.randrange(10**6, 10**7)}-{rng.randrange(10, 99)}"),
        (w("number"), doc.number),
        (w("policyholder"), doc.buyer.name),
    ]
    y = rows_at(pen, 20, 88, rows, width=45)
    pen.text(20, y + 4, w("premium_title"), 13, bold=True)
    intro = w("premium_intro", start=day(doc, start), end=day(doc, end))
    pen.text(20, y + 12, intro, 9)
    rows = [(w("premium_net"), money(doc, doc.net))]
    for rate, _, tax in doc.breakdown():
        rows.append((f"{w('premium_tax')} {rate_text(doc, rate)}", money(doc, tax)))
    rows.append((w("premium_total"), money(doc, doc.total)))
    y = rows_at(pen, 30, y + 22, rows, size=9.5, right=150, bold_last=True)
    if doc.due:
        pen.text(20, y + 6, f"{w('due')}: {day(doc, doc.due)}", 9)
    pen.text(20, y + 18, w("regards"), 9)
    yours = w("yours")
    pen.text(20, y + 26, f"{yours} {party.name}".strip(), 9)
    footer_line(pen, doc, w, name=rng.random() < 0.5)
    return pen.finish()


def transport(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Ticket invoice: booking date, a later travel date, two VAT rates in a grid with net,
    tax and gross on each line, paid by card; the passenger beside the customer."""
    pen = Pen(face=rng.choice(("sans", "condensed")))
    party = doc.supplier
    pen.text(20, 20, party.brand, 20, bold=True)
    pen.text(20, 25, party.name, 7, gray=0.4)
    pen.text(190, 20, w("ticket_title"), 11, bold=True, align="right")
    travel = doc.issue + dt.timedelta(days=rng.randrange(3, 60))
    rows = [
        (w("number"), doc.number),
        (w("booked"), day(doc, doc.order)),
        (w("issue"), day(doc, doc.issue)),
        (w("travel"), day(doc, travel)),
    ]
    rng.shuffle(rows)
    rows_at(pen, 120, 32, rows, size=8, right=190)
    pen.text(20, 36, f"{w('traveller')}: {doc.buyer.contact}", 9)
    block(pen, 20, 44, [doc.buyer.name, doc.buyer.street, doc.buyer.city], 8.5)
    towns = ("Lyon", "Köln", "York", "Genève", "Bremen", "Lille", "Bath", "Graz")
    a, b = rng.sample(towns, 2)
    items = WORDS["transport_items"][doc.style.language]
    route = [text.format(a=a, b=b) for text in items]
    y = table(pen, doc, (20, 72), rng, describe=lambda i, _: route[i % len(route)])
    y = vat_rows(pen, doc, w, (90, 130, 160, 188), y)
    pen.text(22, y + 1, w("total"), 10, bold=True)
    pen.text(188, y + 1, money(doc, doc.total), 10, bold=True, align="right")
    digits = f"{rng.randrange(1000, 9999)}"
    pen.text(22, y + 7, w("paid_card", digits=digits), 8.5)
    pen.text(188, y + 7, money(doc, doc.total), 8.5, align="right")
    footer_line(pen, doc, w)
    return pen.finish()


def saas(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Subscription invoice: title and meta top left, seller and bill-to blocks side by
    side, the amount due in large type, a usage period under each line."""
    pen = Pen(face="sans")
    party = doc.supplier
    pen.text(20, 22, w("invoice"), 20, bold=True)
    pen.text(190, 22, party.brand, 14, bold=True, align="right", gray=0.4)
    rows = [(w("number"), doc.number), (w("issue"), day(doc, doc.issue, short=True))]
    if doc.due:
        rows.append((w("due"), day(doc, doc.due, short=True)))
    rows_at(pen, 20, 32, rows, size=8.5, width=32)
    block(pen, 20, 52, [party.name, party.street, party.city, party.email], 8.5)
    pen.text(90, 52, w("bill_to"), 8.5, bold=True)
    block(pen, 90, 56, [doc.buyer.name, doc.buyer.street, doc.buyer.city, doc.buyer.vat_id], 8.5)
    if doc.due:
        pen.text(
            20,
            80,
            w("due_line", amount=money(doc, doc.amount_due), date=day(doc, doc.due, short=True)),
            14,
            bold=True,
        )
    start = doc.issue
    end = start + dt.timedelta(days=30)
    period = f"{day(doc, start, short=True)} \u2013 {day(doc, end, short=True)}"
    y = table(pen, doc, (20, 92), rng)
    pen.text(22, y - 2, period, 7.5, gray=0.4)
    rows = [(w("subtotal"), money(doc, doc.net)), (w("excl"), money(doc, doc.net))]
    for rate, net, tax in doc.breakdown():
        label = w("vat_on", rate=rate_text(doc, rate), net=money(doc, net))
        rows.append((label, money(doc, tax)))
    rows += [(w("total"), money(doc, doc.total)), (w("amount_due"), money(doc, doc.amount_due))]
    rows_at(pen, 105, y + 6, rows, size=8.5, right=190, bold_last=True)
    text = f"{doc.number} · {money(doc, doc.amount_due)} · {w('page_of')}"
    pen.text(20, 285, text, 7, gray=0.4)
    return pen.finish()


def consultancy(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Fee note: the firm's name is a person's, the date only in the place line, days at
    a day rate, a retainer deducted, a lump sum in the late-payment terms."""
    pen = Pen(face=rng.choice(("serif", "sans")))
    party = doc.supplier
    pen.text(20, 20, party.name, 13, bold=True)
    block(pen, 20, 26, [party.street, party.city, party.email], 8)
    pen.text(190, 44, w("place", town=party.town, date=day(doc, doc.issue)), 9, align="right")
    pen.text(115, 54, w("attention"), 8)
    block(pen, 115, 58, [doc.buyer.name, doc.buyer.contact, doc.buyer.street, doc.buyer.city])
    pen.text(20, 86, w("fee_title", number=doc.number), 13, bold=True)
    items = WORDS["fee_items"][doc.style.language]
    y = table(pen, doc, (20, 98), heads=w("fee_cols"), describe=lambda i, _: items[i % len(items)])
    rows = [(w("fee_net"), money(doc, doc.net))]
    for rate, _, tax in doc.breakdown():
        rows.append((f"{w('vat')} {rate_text(doc, rate)}", money(doc, tax)))
    rows.append((w("fee_gross"), money(doc, doc.total)))
    if doc.prepaid:
        paid_on = doc.issue - dt.timedelta(days=rng.randrange(20, 90))
        rows.append((w("fee_advance", date=day(doc, paid_on)), money(doc, -doc.prepaid)))
        rows.append((w("fee_balance"), money(doc, doc.amount_due)))
    y = rows_at(pen, 95, y + 4, rows, size=9, right=190, bold_last=True)
    if doc.due:
        pen.text(20, y + 6, f"{w('due')} : {day(doc, doc.due)}", 8.5)
    pen.text(20, y + 11, w("penalty", amount=money(doc, Decimal(40))), 7.5)
    party_line = f"{party.registry} · {party.vat_id} · IBAN {party.iban}"
    pen.text(105, 280, party_line, 6.5, align="center", gray=0.3)
    return pen.finish()


def credit(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Credit note as a letter: letterhead right, the original invoice and its date, the
    refund amount; amounts printed negative or not."""
    pen = Pen(face=rng.choice(("sans", "serif")))
    party = doc.supplier
    pen.text(190, 20, party.name, 12, bold=True, align="right")
    block(pen, 140, 25, [party.street, party.city, party.phone], 7.5)
    block(pen, 20, 50, [doc.buyer.name, doc.buyer.street, doc.buyer.city])
    pen.text(20, 80, w("credit_title"), 16, bold=True)
    original = doc.issue - dt.timedelta(days=rng.randrange(10, 60))
    rows = [
        (w("credit_number"), doc.number),
        (w("issue"), day(doc, doc.issue)),
        (w("account"), doc.customer_no),
    ]
    y = rows_at(pen, 20, 90, rows, width=38)
    pen.text(20, y + 2, w("original", number=doc.related_number, date=day(doc, original)), 9)
    pen.text(20, y + 7, w("reason"), 9)
    y = table(pen, doc, (20, y + 16), rng)
    rows = [(w("sum_net"), money(doc, doc.net))]
    for rate, _, tax in doc.breakdown():
        rows.append((f"{w('vat')} {rate_text(doc, rate)}", money(doc, tax)))
    rows.append((w("refund"), money(doc, doc.total)))
    rows_at(pen, 100, y + 4, rows, size=9, right=190, bold_last=True)
    footer_line(pen, doc, w, name=False)
    return pen.finish()


def vat_grid(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Buyer block first, meta on one line, a discount, a VAT summary grid whose last row
    holds net, tax and gross; the seller only as a logo word and in the footer."""
    pen = Pen(face=rng.choice(("sans", "condensed", "mono")))
    party = doc.supplier
    pen.text(20, 18, w("bill_to"), 7.5, bold=True)
    block(pen, 20, 22, [doc.buyer.name, doc.buyer.street, doc.buyer.city])
    pen.text(190, 22, party.brand.upper(), 18, bold=True, align="right", gray=0.4)
    pen.text(20, 48, w("invoice"), 15, bold=True)
    meta = [f"{w('number')}: {doc.number}", f"{w('issue')}: {day(doc, doc.issue)}"]
    if doc.due:
        meta.append(f"{w('due')}: {day(doc, doc.due)}")
    pen.text(20, 56, "    ".join(meta), 8.5)
    y = table(pen, doc, (20, 66), rng)
    rows = [
        (w("subtotal"), money(doc, doc.subtotal)),
        (f"{w('discount')} {rate_text(doc, doc.discount_rate)}", money(doc, -doc.discount)),
    ]
    y = rows_at(pen, 110, y + 3, rows, size=8.5, right=190)
    stops = (60, 100, 140, 188)
    y = vat_rows(pen, doc, w, stops, y, rule=True)
    pen.line(20, y - 3, 190, y - 3, 0.3)
    pen.text(22, y, w("grid_sum"), 8.5, bold=True)
    sums = (
        money(doc, doc.net, currency=False),
        money(doc, doc.tax, currency=False),
        money(doc, doc.total),
    )
    for cell, stop in zip(sums, stops[1:], strict=True):
        pen.text(stop, y, cell, 8.5, bold=True, align="right")
    pen.text(20, y + 10, f"{w('to_pay')}: {money(doc, doc.total)}", 10, bold=True)
    footer_line(pen, doc, w)
    return pen.finish()


def order_delivery(doc: Document, rng: random.Random, w: Words) -> bytes:
    """Wholesale invoice: a print date first on the page, order, dispatch and delivery
    note dates, the invoice date under the totals, an early-payment discount amount."""
    pen = Pen(face=rng.choice(("sans", "mono")))
    party = doc.supplier
    printed = doc.issue + dt.timedelta(days=rng.randrange(0, 3))
    pen.text(
        190,
        10,
        f"{w('printed')} {day(doc, printed)} {rng.randrange(8, 18)}:{rng.randrange(10, 59)}",
        6.5,
        align="right",
        gray=0.4,
    )
    pen.text(105, 22, party.name, 16, bold=True, align="center")
    pen.text(105, 28, f"{party.street} · {party.city} · {party.phone}", 7.5, align="center")
    pen.text(20, 42, w("sold_to"), 7.5, bold=True)
    block(pen, 20, 46, [doc.buyer.name, doc.buyer.street, doc.buyer.city], 8.5)
    pen.text(110, 42, w("ship_to"), 7.5, bold=True)
    block(pen, 110, 46, [doc.buyer.name, doc.buyer.contact, doc.buyer.city], 8.5)
    dispatch = doc.delivery
    rows = [
        (w("order_date"), day(doc, doc.order)),
        (w("note_no"), f"{rng.randrange(10**5, 10**6)} / {day(doc, dispatch)}"),
        (w("dispatch"), day(doc, dispatch)),
        (w("number"), doc.number),
    ]
    y = rows_at(pen, 20, 66, rows, size=8, width=40)
    y = table(pen, doc, (20, y + 6), rng)
    rows = [(w("goods"), money(doc, doc.net))]
    for rate, _, tax in doc.breakdown():
        rows.append((f"{w('vat')} {rate_text(doc, rate)}", money(doc, tax)))
    rows.append((w("invoice_amount"), money(doc, doc.total)))
    y = rows_at(pen, 100, y + 4, rows, size=9, right=190, bold_last=True)
    pen.text(20, y + 6, f"{w('issue')}: {day(doc, doc.issue)}", 9)
    if doc.due:
        early = doc.issue + dt.timedelta(days=10)
        pen.text(
            20,
            y + 11,
            w("early", date=day(doc, early), amount=money(doc, cents(doc.total * Decimal("0.98")))),
            8,
        )
        pen.text(20, y + 15, f"{w('due')}: {day(doc, doc.due)}", 8)
    footer_line(pen, doc, w, name=rng.random() < 0.5)
    return pen.finish()


@dataclass(frozen=True)
class Producer:
    name: str
    draw: Callable[[Document, random.Random, Words], bytes]
    kind: str  # which company names (`NAMES`)
    spec: Spec
    # Thousands written with a space where the language allows it, on this share of pages.
    spaced: float = 0.5


PRODUCERS: tuple[Producer, ...] = (
    Producer("new-utility", utility, "utility", Spec(variant="final", lines=(2, 4))),
    Producer("new-insurance", insurance, "insurance", Spec(lines=(1, 1))),
    Producer(
        "new-transport",
        transport,
        "transport",
        Spec(mixed_rates=True, lines=(2, 3), shows_due=False),
    ),
    Producer("new-saas", saas, "saas", Spec(lines=(1, 3))),
    Producer("new-consultancy", consultancy, "consultancy", Spec(variant="final", lines=(1, 3))),
    Producer(
        "new-credit", credit, "trade", Spec(kind="credit_note", shows_due=False, lines=(1, 3))
    ),
    Producer(
        "new-vat-grid", vat_grid, "trade", Spec(mixed_rates=True, discount=True, lines=(3, 6))
    ),
    Producer("new-order-delivery", order_delivery, "trade", Spec(lines=(2, 5))),
)
FAMILIES: tuple[str, ...] = tuple(producer.name for producer in PRODUCERS)


@dataclass(frozen=True)
class Sample:
    family: str
    language: str
    data: bytes
    truth: dict[str, str | None]


def generate(seed: int = SEED, per_family: int = 4) -> Iterator[Sample]:
    """`per_family` text PDFs for every producer and language (en, fr, de)."""
    for producer in PRODUCERS:
        for language in LANGUAGES:
            for index in range(per_family):
                rng = random.Random(f"unseen/{seed}/{producer.name}/{language}/{index}")
                doc = make_document(rng, language, producer.spec)
                doc.supplier = rename(doc, rng, producer.kind)
                if language != "en" and rng.random() < producer.spaced:
                    doc.style = dataclasses.replace(doc.style, number_style="1 234,56")
                if producer.spec.variant == "final" and producer.name == "new-utility":
                    doc.lines = [
                        dataclasses.replace(
                            line, quantity=Decimal(1), unit_price=line.unit_price * 4
                        )
                        for line in doc.lines
                    ]
                    doc.prepaid = cents(doc.total * Decimal(rng.choice((80, 90, 95))) / 100)
                data = producer.draw(doc, rng, Words(language, rng))
                yield Sample(producer.name, language, data, doc.truth())
