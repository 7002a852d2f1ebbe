"""Variety drawn per training document on top of its family's layout.

A family prints its meta block, letterhead and totals the same way on every page, so a
model could learn one producer's habits (the issue date is the first date; the seller's
name is the largest line; the total is the last amount) instead of what the words and
the arithmetic say. On the training seeds each document therefore draws, from its own
generator (`key/variety`, so the family's own drawing is unchanged when nothing is
drawn), some of:

- the meta block's rows shuffled, the issue date no longer first;
- one or two more dates in it (print, delivery, order date, service period);
- a print stamp with a clock time above the letterhead;
- a logo (the brand word) instead of the seller's name in the letterhead, the name left
  to the footer or the sender line;
- on families whose totals block is `blocks.total_rows`, a deposit already paid and the
  amount still due under the total, and the date it was paid beside its label;
- on those families, the totals as a VAT grid (rate, net, tax, gross per rate) whose
  last row, under the total's label, holds the net, the tax and the total.

The frozen held-out split and the photos are drawn without it (`generate(variety=False)`,
the default): their documents stay byte for byte what they were.
"""

from __future__ import annotations

import random
from decimal import Decimal

from training.document import Document, cents

# Families whose totals come from `blocks.total_rows`, which prints a deposit and the
# amount due when the document has one.
PREPAID_FAMILIES = frozenset({
    "letterhead-left", "letterhead-right", "sender-line-window", "buyer-right",
    "centered-header", "banner-title", "sidebar", "place-date-letter", "bill-ship-to",
    "boxed-meta", "mono-printout", "totals-left", "discount", "footer-heavy",
    "totals-in-table", "persons", "service-period",
})  # fmt: skip
EXTRA_DATES = ("printed", "delivery_date", "order_date", "service_period")


def vary(doc: Document, rng: random.Random, family: str) -> None:
    """Draws this document's variety into `doc.extra` (and its deposit)."""
    if doc.spec.kind == "receipt":
        return
    if rng.random() < 0.5:
        doc.extra["meta_shuffle"] = str(rng.randrange(10**9))
    if rng.random() < 0.4:
        doc.extra["meta_dates"] = ",".join(rng.sample(EXTRA_DATES, rng.randint(1, 2)))
    if rng.random() < 0.2:
        doc.extra["stamp"] = f"{rng.randrange(0, 4)} {rng.randrange(7, 19)}:{rng.randrange(60):02d}"
    if rng.random() < 0.2:
        doc.extra["logo"] = "1"
    if family in PREPAID_FAMILIES and doc.spec.kind == "invoice" and rng.random() < 0.2:
        doc.prepaid = cents(doc.total * Decimal(rng.choice((20, 30, 50, 80))) / 100)
    if (doc.spec.variant == "final" or doc.prepaid) and rng.random() < 0.5:
        doc.extra["paid_on"] = str(rng.randrange(10, 90))
    if family in PREPAID_FAMILIES and rng.random() < 0.2:
        doc.extra["grid"] = "1"
