"""Documents to train and measure the learned reader on, as pages with their truth.

Three sources, all deterministic:
- the generated corpus (`training.corpus`, text PDFs of many layout families), read
  through the engine's own PDF path;
- the older generators of `benchmarks/` (A4 invoices and till receipts), turned into pages
  straight from what they draw (no OCR: training sees perfect text, as on text PDFs);
- `/work/shared/data/invoices-dev`, real invoices, used only for measuring.

A truth has the keys of the corpus: supplier, date, due_date, total, net, tax,
amount_due, currency, invoice_number (amounts as strings, negative for credit notes).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.extraction.engine import _read_pdf
from app.extraction.layout import Box, Line, Page, group_lines
from training.corpus import generate

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = Path("/work/shared/data/invoices-dev")


@dataclass(frozen=True)
class Document:
    name: str
    family: str
    language: str
    pages: list[Page]
    truth: dict[str, Any]
    kind: str = "pdf"  # "photo": read by OCR (`training.photos`)


def corpus_documents(
    seed: int,
    per_family: int,
    families: tuple[str, ...] | None = None,
    *,
    variety: bool = False,
) -> Iterator[Document]:
    """The generated corpus's text PDFs (`variety`: with `training.variety`)."""
    samples = generate(seed, per_family, families=families, variety=variety)
    for index, sample in enumerate(samples):
        if sample.content_type != "application/pdf":
            continue
        pages, _ = _read_pdf(sample.data)
        name = f"{sample.family}-{sample.language}-{seed}-{index}"
        yield Document(name, sample.family, sample.language, pages, dict(sample.truth))


def dev_documents(directory: Path = DEV_SET) -> Iterator[Document]:
    for path in sorted(directory.glob("*.pdf")):
        raw = json.loads(path.with_suffix(".json").read_text())
        truth = raw[0] if isinstance(raw, list) else raw
        pages, _ = _read_pdf(path.read_bytes())
        yield Document(path.name, "dev", truth.get("lang", "?"), pages, _from_dev(truth))


def _from_dev(truth: dict[str, Any]) -> dict[str, Any]:
    total, net = truth.get("amount"), truth.get("amount_untaxed")
    tax = truth.get("amount_tax")
    if tax is None and total is not None and net is not None and total != net:
        tax = Decimal(str(total)) - Decimal(str(net))
    return {
        "supplier": truth.get("issuer"),
        "date": truth.get("date"),
        "due_date": None,
        "total": _text(total),
        "net": _text(net),
        "tax": _text(tax),
        "amount_due": None,
        "currency": truth.get("currency"),
        "invoice_number": truth.get("invoice_number"),
        # Not in the dev truths; a tax of zero is not scored (as in extraction_eval.py).
        "unscored": ["due_date", "amount_due"]
        + (["net"] if net is None else [])
        + (["tax"] if tax is None else []),
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


def legacy_documents(seed: int, count: int) -> Iterator[Document]:
    """`count` A4 invoices, credit notes, brand invoices and till receipts of the
    benchmark generators, as the boxes they draw."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from training import legacy

    yield from legacy.documents(seed, count)


def boxes_page(number: int, boxes: list[Box], width: float, height: float) -> Page:
    lines: tuple[Line, ...] = group_lines(number, boxes)
    return Page(number, width, height, lines)
