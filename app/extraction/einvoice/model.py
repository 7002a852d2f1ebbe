"""An e-invoice as read from its XML, in EN 16931 terms, and the fields Dossier keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

# UNTDID 1001 codes of documents that credit the buyer (EN 16931 allows these for BT-3).
CREDIT_NOTE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)
CENT = Decimal("0.01")
# The keys that both the page and the XML give: where they disagree, a warning names them.
MAIN_FIELDS = ("supplier", "date", "total", "currency", "invoice_number")


@dataclass(frozen=True, slots=True)
class VatRow:
    """One VAT breakdown (BG-23): category (BT-118), rate (BT-119), basis (BT-116), tax
    (BT-117)."""

    category: str | None
    rate: Decimal | None
    basis: Decimal | None
    tax: Decimal | None
    exemption_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One invoice line (BG-25)."""

    number: str | None
    description: str | None
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    net_amount: Decimal | None
    vat_category: str | None
    vat_rate: Decimal | None


@dataclass(slots=True)
class EInvoice:
    syntax: str  # "cii", "zugferd-1" or "ubl"
    profile: str | None = None  # BT-24, the specification identifier
    number: str | None = None
    type_code: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    currency: str | None = None
    seller: str | None = None
    seller_vat_id: str | None = None
    buyer: str | None = None
    net: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    prepaid: Decimal | None = None
    amount_due: Decimal | None = None
    iban: str | None = None
    vat_breakdown: list[VatRow] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    credit_root: bool = False  # a UBL CreditNote, whatever its type code says

    @property
    def is_credit_note(self) -> bool:
        return self.credit_root or (self.type_code or "") in CREDIT_NOTE_CODES

    def fields(self) -> dict[str, Any]:
        """The JSON-ready fields: the keys the page reader gives, then the e-invoice's own.
        A credit note's amounts are negative, as the page reader makes them."""
        sign = self._sign()
        found = {
            "supplier": self.seller,
            "date": _iso(self.issue_date),
            "total": _money(self.total, sign, whole=True),
            "tax": _money(self.tax, sign, whole=True),
            "currency": self.currency,
            "invoice_number": self.number,
        }
        confidence = {name: 1.0 if value is not None else 0.0 for name, value in found.items()}
        return {
            **found,
            "confidence": confidence,
            "net": _money(self.net, sign, whole=True),
            "amount_due": _money(self.amount_due, sign, whole=True),
            "due_date": _iso(self.due_date),
            "seller_vat_id": self.seller_vat_id,
            "buyer": self.buyer,
            "type_code": self.type_code,
            "profile": self.profile,
            "syntax": self.syntax,
            "iban": self.iban,
            "vat_breakdown": [_vat_row(row, sign) for row in self.vat_breakdown],
            "lines": [_line(line, sign) for line in self.lines],
            "warnings": list(self.warnings),
        }

    def _sign(self) -> int:
        """-1 turns a credit note's amounts negative. A producer that already wrote them
        negative (its grand total below zero) keeps its signs."""
        if not self.is_credit_note:
            return 1
        return 1 if self.total is not None and self.total < 0 else -1


def _vat_row(row: VatRow, sign: int) -> dict[str, Any]:
    return {
        "category": row.category,
        "rate": _number(row.rate),
        "basis": _money(row.basis, sign),
        "tax": _money(row.tax, sign),
        "exemption_reason": row.exemption_reason,
    }


def _line(line: Line, sign: int) -> dict[str, Any]:
    return {
        "number": line.number,
        "description": line.description,
        "quantity": _number(line.quantity),
        "unit": line.unit,
        "unit_price": _number(line.unit_price),
        "net_amount": _money(line.net_amount, sign),
        "vat_category": line.vat_category,
        "vat_rate": _number(line.vat_rate),
    }


def _money(value: Decimal | None, sign: int, *, whole: bool = False) -> str | None:
    """Two decimals, or the XML's own when it gives more (never rounded away). `whole`:
    a document total, which a credit note makes negative whatever its sign in the XML."""
    if value is None:
        return None
    signed = -abs(value) if whole and sign < 0 else value * sign
    if not signed:
        signed = abs(signed)  # zero stays 0.00, never -0.00
    cents = signed.quantize(CENT)
    return str(cents if cents == signed else signed)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
