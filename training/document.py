"""What a generated invoice says, before any layout: parties, dates, lines and totals.

All amounts are `Decimal` rounded to cents and stored positive; `sign` is -1 for credit
notes, and the truth (what a reader should extract) carries that sign.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from training.labels import Labels
from training.locales import Style, draw_style
from training.names import FUELS, GOODS, ITEMS
from training.parties import Party, make_party

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    rate: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class Spec:
    """What a layout family needs from its documents."""

    kind: str = "invoice"  # "invoice" | "credit_note" | "receipt"
    variant: str = "plain"  # "plain" | "advance" | "final"
    lines: tuple[int, int] = (1, 6)
    shows_due: bool = True
    shows_tax: bool = True
    discount: bool = False
    mixed_rates: bool = False


@dataclass
class Document:
    spec: Spec
    style: Style
    labels: Labels
    number: str
    issue: dt.date
    due: dt.date | None
    delivery: dt.date
    order: dt.date
    period: tuple[dt.date, dt.date]
    supplier: Party
    buyer: Party
    lines: list[Line]
    customer_no: str
    order_ref: str
    related_number: str
    discount_rate: Decimal = Decimal(0)
    prepaid: Decimal = Decimal(0)
    negative_print: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def sign(self) -> int:
        return -1 if self.spec.kind == "credit_note" else 1

    @property
    def gross_prices(self) -> bool:
        """Till receipts price their lines with tax included."""
        return self.spec.kind == "receipt"

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def discount(self) -> Decimal:
        return cents(self.subtotal * self.discount_rate / 100)

    def breakdown(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        """(rate, net, tax) per VAT rate, in order of first use."""
        sums: dict[Decimal, Decimal] = {}
        for line in self.lines:
            sums[line.rate] = sums.get(line.rate, Decimal(0)) + line.amount
        rows = []
        for rate, amount in sums.items():
            base = amount - cents(amount * self.discount_rate / 100)
            if self.gross_prices:
                tax = cents(base * rate / (100 + rate))
                rows.append((rate, base - tax, tax))
            else:
                rows.append((rate, base, cents(base * rate / 100)))
        return rows

    @property
    def net(self) -> Decimal:
        return sum((row[1] for row in self.breakdown()), Decimal(0))

    @property
    def tax(self) -> Decimal:
        return sum((row[2] for row in self.breakdown()), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.net + self.tax

    @property
    def amount_due(self) -> Decimal:
        return self.total - self.prepaid

    def shown(self, value: Decimal) -> Decimal:
        """An amount as printed: credit notes print their amounts negative or not."""
        return -value if self.negative_print and self.sign < 0 else value

    def truth(self) -> dict[str, str | None]:
        def amount(value: Decimal) -> str:
            return f"{value * self.sign:.2f}"

        return {
            "supplier": self.supplier.name,
            "date": self.issue.isoformat(),
            "due_date": self.due.isoformat() if self.due else None,
            "total": amount(self.total),
            "net": amount(self.net) if self.spec.shows_tax else None,
            "tax": amount(self.tax) if self.spec.shows_tax else None,
            "amount_due": amount(self.amount_due),
            "currency": self.style.country.currency,
            "invoice_number": self.number,
            "document_type": self.spec.kind,
        }


def make_document(rng: random.Random, language: str, spec: Spec) -> Document:
    style = draw_style(rng, language)
    issue = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 1000))
    delivery = issue - dt.timedelta(days=rng.randrange(0, 20))
    period_start = dt.date(issue.year, issue.month, 1) - dt.timedelta(days=rng.choice((0, 31)))
    period_start = period_start.replace(day=1)
    period_end = (period_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    doc = Document(
        spec=spec,
        style=style,
        labels=Labels(language, rng),
        number=invoice_number(rng, issue, spec.kind),
        issue=issue,
        due=issue + dt.timedelta(days=rng.choice((7, 10, 14, 30, 45))) if spec.shows_due else None,
        delivery=delivery,
        order=delivery - dt.timedelta(days=rng.randrange(2, 40)),
        period=(period_start, period_end),
        supplier=make_party(rng, style),
        buyer=make_party(rng, style),
        lines=make_lines(rng, language, style, spec),
        customer_no=str(rng.randrange(10000, 99999)),
        order_ref=f"PO-{rng.randrange(1000, 9999)}",
        related_number=invoice_number(rng, issue - dt.timedelta(days=40), "invoice"),
        negative_print=rng.random() < 0.5,
    )
    if spec.variant == "advance":
        advance(rng, doc)
    if spec.discount:
        doc.discount_rate = Decimal(rng.choice((2, 3, 5, 10)))
    if spec.variant == "final":
        doc.prepaid = cents(doc.total * Decimal(rng.choice((20, 30, 40, 50))) / 100)
    return doc


def advance(rng: random.Random, doc: Document) -> None:
    """An advance invoice bills a share of the order; the order's value is printed too."""
    pct = rng.choice((20, 25, 30, 40, 50))
    order_value = doc.subtotal
    text = doc.labels.get("advance_line", pct=str(pct), ref=doc.order_ref)
    doc.lines = [Line(text, Decimal(1), cents(order_value * pct / 100), doc.lines[0].rate)]
    doc.extra["order_value"] = str(order_value)


def invoice_number(rng: random.Random, issue: dt.date, kind: str) -> str:
    prefix = {"invoice": ("RE", "F", "INV", "FA", "FT", ""), "credit_note": ("GS", "AV", "CN")}
    n = rng.randrange(10, 99999)
    if kind == "receipt":
        return f"{rng.randrange(1, 9)}{rng.randrange(0, 999):03d}/{n:05d}"
    pre = rng.choice(prefix[kind])
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"{pre}-{issue.year}-{n:05d}" if pre else f"{issue.year}-{n:05d}"
    if pattern == 1:
        return f"{pre}{issue:%y}{n:05d}"
    if pattern == 2:
        return f"{issue.year}/{n:04d}"
    return f"{pre or 'N'}{n:06d}"


def make_lines(rng: random.Random, language: str, style: Style, spec: Spec) -> list[Line]:
    rates = [Decimal(rate) for rate in style.country.vat_rates]
    count = rng.randint(*spec.lines)
    if spec.variant == "fuel":
        litres = Decimal(rng.randrange(1500, 7000)) / 100
        per_litre = Decimal(rng.randrange(1459, 1999)) / 1000
        fuel = Line(rng.choice(FUELS[language]), litres, per_litre, rates[0])
        shop = make_lines(rng, language, style, Spec(kind="receipt", lines=(0, 2)))
        return [fuel, *shop]
    if spec.kind == "receipt":
        goods = rng.sample(GOODS[language], min(count, len(GOODS[language])))
        return [
            Line(
                item,
                Decimal(rng.choice((1, 1, 1, 2, 3))),
                cents(Decimal(rng.randrange(49, 1299)) / 100),
                rng.choice(rates),
            )
            for item in goods
        ]
    main = rates[0]
    items = ITEMS[language]
    lines = []
    picks = rng.sample(range(len(items)), min(count, len(items)))
    for index in range(count):
        # Log-uniform: many small prices, a few large ones, as on real invoices.
        price = cents(Decimal(str(round(math.exp(rng.uniform(1.6, 7.8)), 2))))
        quantity = Decimal(rng.choice((1, 1, 1, 2, 3, 4, 5, 8, 10, 12)))
        if spec.mixed_rates:
            rate = rates[index % len(rates)]
        else:
            rate = main if rng.random() < 0.85 or spec.discount else rng.choice(rates)
        lines.append(Line(items[picks[index % len(picks)]], quantity, price, rate))
    return lines
