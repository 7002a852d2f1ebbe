"""What an e-invoice says, before any syntax: parties, lines, allowances and charges,
prepayment, and the totals EN 16931 derives from them (BR-CO-10 to BR-CO-16)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    description: str
    quantity: Decimal
    unit: str  # UN/ECE Recommendation 20 code: C62 piece, HUR hour, KGM kilogram ...
    price: Decimal
    rate: Decimal
    category: str = "S"

    @property
    def net(self) -> Decimal:
        return cents(self.quantity * self.price)


@dataclass(frozen=True)
class Adjustment:
    """A document-level allowance (charge=False) or charge, taxed at one rate."""

    charge: bool
    amount: Decimal
    reason: str
    rate: Decimal
    category: str = "S"


@dataclass
class Spec:
    number: str
    issue: dt.date
    currency: str
    seller: str
    seller_vat: str
    seller_country: str
    buyer: str
    items: list[Item]
    type_code: str = "380"
    due: dt.date | None = None
    iban: str | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    prepaid: Decimal = Decimal("0")
    tax_currency: str | None = None  # BT-6: the tax total again in this currency
    tax_rate_to_tax_currency: Decimal = Decimal("1")

    @property
    def credit(self) -> bool:
        return self.type_code == "381"

    def groups(self) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        """(category, rate, basis, tax) per VAT rate, as BG-23 breaks them down."""
        basis: dict[tuple[str, Decimal], Decimal] = {}
        for item in self.items:
            key = (item.category, item.rate)
            basis[key] = basis.get(key, Decimal("0")) + item.net
        for adjustment in self.adjustments:
            key = (adjustment.category, adjustment.rate)
            sign = 1 if adjustment.charge else -1
            basis[key] = basis.get(key, Decimal("0")) + sign * adjustment.amount
        return [
            (category, rate, amount, cents(amount * rate / 100))
            for (category, rate), amount in sorted(basis.items(), key=lambda kv: kv[0][1])
        ]

    @property
    def line_total(self) -> Decimal:
        return sum((item.net for item in self.items), Decimal("0"))

    @property
    def allowances(self) -> Decimal:
        return sum((a.amount for a in self.adjustments if not a.charge), Decimal("0"))

    @property
    def charges(self) -> Decimal:
        return sum((a.amount for a in self.adjustments if a.charge), Decimal("0"))

    @property
    def net(self) -> Decimal:
        return self.line_total - self.allowances + self.charges

    @property
    def tax(self) -> Decimal:
        return sum((group[3] for group in self.groups()), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return self.net + self.tax

    @property
    def amount_due(self) -> Decimal:
        return self.total - self.prepaid

    def truth(self) -> dict[str, object]:
        """The expected values as extraction_eval.py scores them (a credit note negative)."""
        sign = -1 if self.credit else 1
        return {
            "issuer": self.seller,
            "date": self.issue.isoformat(),
            "amount": str(sign * self.total),
            "amount_tax": str(sign * self.tax),
            "currency": self.currency,
            "invoice_number": self.number,
        }


_SELLERS = [
    ("Atelier Verrier Lemoine SARL", "FR", "FR61512345678"),
    ("Brauhaus Kessler GmbH", "DE", "DE123456789"),
    ("Nordlicht Software AG", "DE", "DE987654321"),
    ("Van Dijk Logistiek B.V.", "NL", "NL123456789B01"),
    ("Boulangerie des Quatre Vents", "FR", "FR40303265045"),
    ("Østergaard Design ApS", "DK", "DK12345678"),
    ("Hargreaves & Lowe Ltd", "GB", "GB123456789"),
    ("Cooperativa Agrícola São João", "PT", "PT501234567"),
]
_BUYERS = ["Dupont Fournitures SAS", "Müller Bau KG", "Café de la Gare", "Stadtwerke Ulm"]
_ITEMS = [
    ("Conseil en organisation", "HUR", "85.00"),
    ("Lieferung Büromaterial", "C62", "12.49"),
    ("Wartungsvertrag Q3", "C62", "450.00"),
    ("Farine T65, sac 25 kg", "KGM", "0.9850"),
    ("Onderhoud heftruck", "HUR", "67.50"),
    ("Licence logicielle annuelle", "C62", "1200.00"),
    ("Transport & emballage", "C62", "35.90"),
    ("Papier A4 80 g, carton", "C62", "23.7625"),
]
_RATES = {
    "FR": ["20", "10", "5.5"],
    "DE": ["19", "7"],
    "NL": ["21", "9"],
    "DK": ["25"],
    "GB": ["20", "5"],
    "PT": ["23", "13", "6"],
}
_CURRENCIES = {"GB": "GBP", "DK": "DKK"}


def random_spec(rng: random.Random, index: int, *, credit: bool = False) -> Spec:
    seller, country, vat = rng.choice(_SELLERS)
    rates = [Decimal(rate) for rate in _RATES[country]]
    items = [
        Item(name, Decimal(rng.choice(["1", "2", "3.5", "10", "0.75", "120"])), unit,
             Decimal(price), rng.choice(rates))
        for name, unit, price in rng.sample(_ITEMS, rng.randint(1, 5))
    ]  # fmt: skip
    if rng.random() < 0.15:  # an exempt line (category E, rate 0)
        items.append(Item("Formation professionnelle", Decimal("1"), "C62", Decimal("300"),
                          Decimal("0"), "E"))  # fmt: skip
    adjustments = []
    # A discount smaller than what it discounts: a credit note for a negative sum is none.
    if rng.random() < 0.35 and sum(item.net for item in items) > 30:
        adjustments.append(Adjustment(False, Decimal("15.00"), "Remise fidélité", items[0].rate))
    if rng.random() < 0.25:
        adjustments.append(Adjustment(True, Decimal("9.90"), "Frais de port", rates[0]))
    issue = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(330))
    spec = Spec(
        number=rng.choice(["FA-2026-{:05d}", "RE{:06d}", "INV/26/{:04d}", "{:07d}"]).format(
            1000 + index * 37
        ),
        issue=issue,
        currency=_CURRENCIES.get(country, "EUR"),
        seller=seller,
        seller_vat=vat,
        seller_country=country,
        buyer=rng.choice(_BUYERS),
        items=items,
        type_code="381" if credit else "380",
        due=issue + dt.timedelta(days=30) if rng.random() < 0.8 else None,
        iban=rng.choice([None, "FR7630006000011234567890189", "DE89370400440532013000"]),
        adjustments=adjustments,
    )
    if not credit and rng.random() < 0.2:
        spec.prepaid = cents(spec.total / 3)
    return spec
