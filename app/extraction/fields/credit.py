"""Credit notes: documents that reduce what the customer owes, reported with a negative
total and tax so that they reduce the books when booked as they are read.

Issuers print a credit note's amounts either negative ('-49,99 €') or positive under a
'Credit note' title; both read the same: amounts are taken without their sign, then the
total and tax are turned negative.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from app.extraction.fields.document import Row

# The document's title, at the start of a phrase: 'AVOIR N° A-2024-003', 'Credit note',
# 'Facture d'avoir', 'Gutschrift Nr. 17', 'Creditnota', 'Nota di credito n. 5',
# 'Factura rectificativa', 'Nota de abono', 'Stornorechnung'.
_TITLE = re.compile(
    r"(?:facture d'|tax |vat )?(?:credit ?notes?|credit memo|avoir|gutschrift|creditnota"
    r"|credit ?factuur|nota (?:di|de) credito|note de credit|rechnungskorrektur"
    r"|stornorechnung|factura rectificativa|nota de abono)"
    r"(?![a-z])(?P<rest>.*)"
)
# ... followed by nothing but a number, a date or a few words ('Credit note for
# invoice F-12'); not prose ('avoir un compte client en ligne...').
_MAX_TITLE_WORDS = 6
# The title is printed in the upper part of the first page.
_TITLE_AREA = 0.5


def is_credit_note(rows: Sequence[Row]) -> bool:
    for row in rows:
        if row.line.page > 0:
            break
        if row.position > _TITLE_AREA or not _TITLE.search(row.folded):
            continue  # the search is cheap; cutting the line into phrases is not
        if any(_is_title(row.folded[p.start : p.start + len(p.text)]) for p in row.line.phrases()):
            return True
    return False


def _is_title(folded: str) -> bool:
    match = _TITLE.match(folded.strip(" *:"))
    return match is not None and len(match.group("rest").split()) <= _MAX_TITLE_WORDS


def unsigned(rows: Sequence[Row]) -> list[Row]:
    """The rows with every amount taken without its sign."""
    return [
        replace(row, amounts=tuple(replace(a, value=abs(a.value)) for a in row.amounts))
        if any(a.value < 0 for a in row.amounts)
        else row
        for row in rows
    ]
