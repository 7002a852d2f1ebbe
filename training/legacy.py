"""The benchmark generators' invoices and receipts as pages of boxes, taken from what they
draw: perfect text with its real geometry, and no OCR time."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import synthetic_invoices
import synthetic_receipts
from PIL import ImageFont

from app.extraction.layout import Box, Page, group_lines, page_from_text
from training.sources import Document

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
# Where `synthetic_invoices` draws the due date (third header column, value row).
_DUE_X, _DUE_Y = 750.0, 505.0


class _Recorder:
    """Stands in for `ImageDraw.Draw`: keeps each drawn word as a box."""

    pages: dict[int, list[Box]] = {}

    def __init__(self, image: Any) -> None:
        self.boxes = self.pages.setdefault(id(image), [])

    def text(
        self, xy: tuple[float, float], text: str, font: _Font, anchor: str = "la", **_: Any
    ) -> None:
        x, y = xy
        width = font.getlength(text)
        if anchor.startswith("r"):
            x -= width
        top, bottom = y, y + getattr(font, "size", 12)
        offset = 0
        for word in text.split(" "):
            if word:
                left = x + font.getlength(text[:offset])
                self.boxes.append(Box(word, left, top, left + font.getlength(word), bottom))
            offset += len(word) + 1


def documents(seed: int, count: int) -> Iterator[Document]:
    yield from _invoices(seed, count, "invoice", "a4-invoice")
    yield from _invoices(seed + 1, count // 2, "credit", "a4-credit-note")
    yield from _invoices(seed + 2, count // 2, "brand", "a4-brand")
    yield from _receipts(seed + 3, count, hard=False)
    yield from _receipts(seed + 4, count, hard=True)


def _invoices(seed: int, count: int, variant: str, family: str) -> Iterator[Document]:
    draw, scan = synthetic_invoices.ImageDraw.Draw, synthetic_invoices._scan
    # The pages are kept alive while they are told apart by id: a freed page's id may be
    # given to the next one, which would then collect both pages' boxes.
    alive: list[Any] = []

    def keep(page: Any, rng: random.Random) -> bytes:
        alive.append(page)
        return str(id(page)).encode()

    synthetic_invoices.ImageDraw.Draw = _Recorder
    synthetic_invoices._scan = keep
    try:
        cases = synthetic_invoices.make_invoices(count, seed=seed, variant=variant)
        pages = {key: list(boxes) for key, boxes in _Recorder.pages.items()}
        for case in cases:
            boxes = pages[int(case.data.decode())]
            page = Page(0, 1240.0, 1754.0, group_lines(0, boxes))
            language = case.name.rsplit("-", 1)[1].split(".")[0]
            truth = _truth(case.truth) | {"due_date": _due_date(boxes, language, case.truth)}
            yield Document(case.name, family, language, [page], truth)
    finally:
        synthetic_invoices.ImageDraw.Draw = draw
        synthetic_invoices._scan = scan
        _Recorder.pages.clear()


def _due_date(boxes: list[Box], language: str, truth: dict[str, Any]) -> str:
    """The due date the generator printed in its third header column (not in its truth)."""
    text = next(b.text for b in boxes if (b.left, b.top) == (_DUE_X, _DUE_Y))
    usd = truth["currency"] == "USD"
    pattern = "%m/%d/%Y" if usd else synthetic_invoices._TEXT[language]["fmt"]
    return dt.datetime.strptime(text, pattern).date().isoformat()


def _receipts(seed: int, count: int, *, hard: bool) -> Iterator[Document]:
    photo = synthetic_receipts._photo
    synthetic_receipts._photo = _receipt_text
    try:
        cases = synthetic_receipts.make_cases(count, seed=seed, hard=hard)
    finally:
        synthetic_receipts._photo = photo
    family = "receipt-hard" if hard else "receipt"
    for case in cases:
        page = page_from_text(case.data.decode())
        language = case.name.rsplit("-", 1)[1].split(".")[0]
        yield Document(case.name, family, language, [page], _truth(case.truth))


def _receipt_text(lines: list[tuple[str, str]], rng: random.Random, hard: bool) -> bytes:
    return "\n".join(f"{left:<30}  {right}" if right else left for left, right in lines).encode()


def _truth(truth: dict[str, Any]) -> dict[str, Any]:
    total = Decimal(str(truth["amount"])).quantize(Decimal("0.01"))
    tax = truth.get("amount_tax")
    tax_value = Decimal(str(tax)).quantize(Decimal("0.01")) if tax is not None else None
    return {
        "supplier": truth.get("issuer"),
        "date": truth.get("date"),
        "due_date": None,
        "total": str(total),
        "net": str(total - tax_value) if tax_value is not None else None,
        "tax": str(tax_value) if tax_value is not None else None,
        "amount_due": str(total),
        "currency": truth.get("currency"),
        "invoice_number": truth.get("invoice_number"),
    }
