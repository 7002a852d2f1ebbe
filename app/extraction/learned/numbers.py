"""Invoice-number candidates for the learned reader: the tokens after a number label on
its line (the first two), the first token under it in a column, and the rules' pick, each
with the label's kind, the distance and the token's shape (docs/extraction.md).

Linear: each label of each row is looked at once, with at most three tokens taken.
"""

from __future__ import annotations

import re
from collections import Counter

from app.extraction.fields.dates import find_dates
from app.extraction.fields.document import Row, column_values
from app.extraction.fields.labels import Kind, Label
from app.extraction.fields.text import fold
from app.extraction.learned.candidates import Candidate, Document
from app.extraction.learned.lexicon import groups_in

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*[A-Za-z0-9]|\d")
_SKIP = re.compile(r"(?:\s|[:.,#]|n°|no\.?(?!\w)|nr\.?(?!\w))*")
_AMOUNT = re.compile(r"\d[\d.,' ]*[.,]\d{2}")
_IBAN = re.compile(r"[a-z]{2}\d{2}[a-z0-9]{10,30}")
_VAT_ID = re.compile(r"[a-z]{2}\d{8,12}|[a-z]{2}[a-z0-9]\d{7,10}")
_PHONE = re.compile(r"\+?\d[\d /.-]{7,}\d")
# Number labels in six languages, also those the rules do not know ('Doc. n.', 'FATTURA
# INV-1', 'Scontrino n.'), and a document title followed by its id.
_LABEL = re.compile(
    r"(?<![a-z])(?:n[°o.]|nr\.?|no\.?|num\.?|numero|nummer|number|#|ref\.?|reference"
    r"|invoice|facture|rechnung|factuur|factura|fattura|receipt|ricevuta|scontrino|recibo"
    r"|quittung|beleg|bon|ticket|doc\.?|documento)(?![a-z])"
)
# A number that is not the document's: the customer's, an order's, a tax or bank id.
_OTHER_NUMBER = re.compile(
    r"custom\w*|client\w*|kunde\w*|klant\w*|cliente|order\w*|bestell\w*|auftrag\w*|commande"
    r"|pedido|ordine|bestel\w*|contract\w*|vertrag\w*|contrat|contratto|contrato|tel\w*|phone"
    r"|fax|iva|vat|tva|ust|btw|steuer\w*|siret|iban|kvk|hrb|account|konto|compte|rekening"
    r"|ddt|lieferschein|delivery|livraison|storno|original|riferimento"
)
_MAX_LABELS_PER_ROW = 4
_TOKENS_AFTER = 2
_KINDS = ("inline0", "inline1", "column")

NUMBER_FEATURES: tuple[str, ...] = (
    *(f"n:{kind}" for kind in _KINDS),
    "n:weight", "n:distance", "n:digits", "n:letters", "n:all_digits", "n:separators",
    "n:length", "n:short", "n:date", "n:amount", "n:iban", "n:vat_id", "n:phone",
    "n:repeated", "n:position", "n:first_page", "n:label_document", "n:label_id",
    "n:label_other", "n:label_credit", "n:pick", "n:own_label", "n:rule_label",
    "n:label_not_ours",
)  # fmt: skip


def number_candidates(document: Document, pick: str | None) -> list[Candidate]:
    kept: dict[tuple[int, str], Candidate] = {}
    for row in document.rows:
        labels = [(lb, "n:rule_label") for lb in row.labels if lb.kind is Kind.NUMBER]
        labels += [
            (Label(Kind.NUMBER, 1.0, m.start(), m.end()), "n:own_label")
            for m in _LABEL.finditer(row.folded[:200])
        ][:_MAX_LABELS_PER_ROW]
        for label, source in labels:
            for candidate in _after_label(document, row, label):
                place = (candidate.row.index, fold(str(candidate.value)))
                kept.setdefault(place, candidate).features[source] = 1.0
    found = list(kept.values())
    counts = Counter(fold(c.value) for c in found if isinstance(c.value, str))
    key = fold(pick) if pick else None
    for candidate in found:
        value = fold(str(candidate.value))
        candidate.features["n:repeated"] = min(counts[value] - 1, 3) / 3
        candidate.features["n:pick"] = float(value == key)
    return found


def _after_label(document: Document, row: Row, label: Label) -> list[Candidate]:
    text = fold(row.folded[max(0, label.start - 24) : label.end])
    context = groups_in(text)
    label_features = {
        "n:weight": label.weight / 3,
        "n:label_document": float("document" in context),
        "n:label_id": float("id" in context),
        "n:label_other": float("other_date" in context),
        "n:label_credit": float("credit" in context),
        "n:label_not_ours": float(bool(_OTHER_NUMBER.search(text))),
    }
    found = []
    skipped = _SKIP.match(row.folded, label.end)
    start = skipped.end() if skipped else label.end
    # Tokens as printed; the folded text when folding changed the line's length.
    source = row.text if len(row.text) == len(row.folded) else row.folded
    for index, match in enumerate(_TOKEN.finditer(source, start)):
        if index >= _TOKENS_AFTER:
            break
        found.append(_candidate(row, match.group(), f"inline{index}", match.start() - label.end))
    for below, phrase in column_values(document.rows, row, label)[:1]:
        first = _TOKEN.search(phrase)
        if first:
            found.append(_candidate(below, first.group(), "column", 0))
    for candidate in found:
        candidate.features |= label_features
    return found


def _candidate(row: Row, token: str, kind: str, distance: int) -> Candidate:
    folded = fold(token)
    digits = sum(char.isdigit() for char in token)
    letters = sum(char.isalpha() for char in token)
    candidate = Candidate(token, row, 0, len(row.text))
    candidate.features = {
        f"n:{kind}": 1.0,
        "n:distance": min(distance, 24) / 24,
        "n:digits": digits / len(token),
        "n:letters": letters / len(token),
        "n:all_digits": float(digits == len(token)),
        "n:separators": float(any(char in "/_.-" for char in token)),
        "n:length": min(len(token), 20) / 20,
        "n:short": float(len(token) < 3),
        "n:date": float(bool(find_dates(folded))),
        "n:amount": float(bool(_AMOUNT.fullmatch(folded))),
        "n:iban": float(bool(_IBAN.fullmatch(folded))),
        "n:vat_id": float(bool(_VAT_ID.fullmatch(folded))),
        "n:phone": float(bool(_PHONE.fullmatch(folded))),
        "n:position": row.position,
        "n:first_page": float(row.line.page == 0),
    }
    return candidate
