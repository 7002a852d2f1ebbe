"""Supplier candidates for the learned reader: the names the rules consider (phrases of
the first page's first rows, names wrapped onto the next line, text after a seller
label) and the rules' own pick, each with features that tell the issuer from a label, the
customer, a person or an address (docs/extraction.md, "The learned reader").

Bounded like the rules: at most `supplier._MAX_NAME_ROWS` rows are searched, and the
document-wide look-ups (mentions, domains, footer words) are built once, linearly.
"""

from __future__ import annotations

import re

from app.extraction.fields.document import Row
from app.extraction.fields.labels import Kind
from app.extraction.fields.supplier import (
    _ADDRESS,
    _LEGAL_CONTEXT,
    _MAX_NAME_ROWS,
    _STOPWORDS,
    _WORD,
    NameSearch,
    _clean,
    _has_legal_form,
    _owner,
)
from app.extraction.fields.text import fold
from app.extraction.learned.candidates import Candidate, Document
from app.extraction.learned.lexicon import GROUPS, groups_in

# A person: a title or role in front of the name, or on the line above it.
_PERSON = re.compile(
    r"(?<![a-z])(?:herr|frau|mr|mrs|ms|mme|m\.|dr|prof|sig\.?ra?|sr|sra|dhr|mevr"
    r"|geschaftsfuhrer\w*|managing director|director|gerant\w*|contact\w*|ansprechpartner\w*"
    r"|signed|signature|unterschrift|bearbeiter\w*|sachbearbeiter\w*|contactpersoon"
    r"|amministratore|administrador|inhaber\w*|owner|ceo)(?![a-z])"
)
_NAME_WORD = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ'-]+")
# Where a sender line or a 'from' block names the issuer.
_FROM = re.compile(r"(?<![a-z])(?:from|von|de|van|da|absender|expediteur|sender|emetteur)\s*:")
# A label or a program's name printed in a header, not a business.
_LABEL_WORD = re.compile(
    r"^(?:name|nummer|number|inhalt|contents?|rechnungsersteller\w*|ersteller|aussteller"
    r"|absender|empfanger|recipient|sender|seller|buyer|customer|kunde|client|datum|date"
    r"|seite|page|betreff|subject|objet|oggetto|asunto|description|beschreibung|position"
    r"|pos|artikel|article|menge|quantity|anzahl|einheit|unit|preis|price|betrag|amount"
    r"|invoice|receipt|facture|recu|rechnung|quittung|beleg|factuur|bon|factura|recibo"
    r"|fattura|ricevuta|scontrino|documento|nota)"
    r"(?![a-z])"
)
_SOFTWARE = re.compile(
    r"(?<![a-z])(?:pdf|tcpdf|fpdf|word|excel|lexware|sevdesk|datev|sage|quickbooks|xero"
    r"|zugferd|factur-?x|xrechnung|powered|generated|erstellt|created|template|vorlage)(?![a-z])"
)
# The addressee block's heading in six languages, also those the rules do not know as
# labels ('Rechnung an', 'Fatturare a').
_BUYER = re.compile(
    r"(?<![a-z])(?:bill(?:ed)? to|ship(?:ped)? to|sold to|invoice to|deliver(?:y|ed)? to"
    r"|customer|client|cliente|kunde|kunden-?nr\w*|rechnung an|rechnungsempfanger|empfanger"
    r"|lieferanschrift|lieferadresse|rechnungsadresse|facture a|facturee a|factur[eé] a"
    r"|adresse de facturation|destinataire|factuur aan|factuuradres|klant|afleveradres"
    r"|fatturare a|intestat[oa] a|destinatario|spett\.?le|facturar a|datos del cliente"
    r"|attn|t\.a\.v|z\.? ?hd)(?![a-z])"
)
# The payer of a cash receipt, not its issuer.
_PAYER = re.compile(
    r"(?<![a-z])(?:received from|recu de|erhalten von|ontvangen van|recibido de|recibi de"
    r"|ricevuto da|paid by|paye par|bezahlt von|betaald door|pagado por|pagato da)(?![a-z])"
)
_POSTCODE = re.compile(r"(?<![\w])\d{4,5}(?![\w])|(?<![\w])[a-z]{1,2}\d{1,2} ?\d[a-z]{2}")
_CONTEXTS = ("row", "above")

SUPPLIER_FEATURES: tuple[str, ...] = (
    "s:legal_form", "s:position", "s:top", "s:first_rows", "s:large_type", "s:largest_type",
    "s:seller_named", "s:under_seller", "s:under_buyer", "s:buyer_on_row", "s:buyer_near",
    "s:owner", "s:legal_context", "s:mentions", "s:domain", "s:footer", "s:capital",
    "s:all_caps", "s:words", "s:digits", "s:long", "s:person_shape", "s:person_word",
    "s:address", "s:postcode", "s:label_word", "s:software", "s:from", "s:whole_row",
    "s:pick", "s:pick_only", "s:payer", "s:order", "s:first",
    *(f"s:{context}:{group}" for context in _CONTEXTS for group in GROUPS),
    "s:payer_in_name", "s:id_below",
)  # fmt: skip
# A letterhead's block: the name over its VAT id, IBAN or registry, within this many rows
# below it. (An address below a name is no feature: the customer's block has one too, and
# trained on letterheads it took a customer printed first for the seller.)
_BLOCK_ROWS = 4


def supplier_candidates(
    document: Document, pick: str | None, search: NameSearch | None = None
) -> list[Candidate]:
    """One candidate per distinct name on the first page's first rows; the rules' pick
    (a brand may be no phrase of its own) is one more. `search`: the rules' name search
    of the same rows, when they have searched."""
    rows = document.rows
    evidence = _Evidence(search or NameSearch(rows))
    heights = [r.line.height for r in rows[:_MAX_NAME_ROWS] if r.line.page == 0]
    tallest = max(heights, default=0.0)
    found: dict[str, Candidate] = {}
    for row in rows[:_MAX_NAME_ROWS]:
        if row.line.page > 0:
            break
        for text, named in _texts(evidence.search.phrases(row)):
            name = _clean(text)
            if name is None or fold(name) in found:
                continue
            candidate = Candidate(name, row, 0, len(row.text))
            candidate.features = _features(document, row, name, evidence, tallest)
            candidate.features["s:seller_named"] = float(named)
            candidate.features["s:order"] = 1 / (len(found) + 1)
            candidate.features["s:first"] = float(not found)
            found[fold(name)] = candidate
    if pick is not None:
        _mark_pick(found, pick, document, evidence, tallest)
    return list(found.values())


def _texts(found: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The rules' phrases, and the text after a colon ('Von: X', 'Inhaber: Y'): the
    model, not the phrase, decides whether a label or a role stood before the name."""
    return found + [(text.split(":", 1)[1], named) for text, named in found if ":" in text[:40]]


def _mark_pick(
    found: dict[str, Candidate], pick: str, document: Document, evidence: _Evidence, tallest: float
) -> None:
    key = fold(pick)
    if key not in found and document.rows:
        row = next((r for r in document.rows if key in r.folded), document.rows[0])
        found[key] = Candidate(pick, row, 0, len(row.text))
        found[key].features = _features(document, row, pick, evidence, tallest)
        found[key].features["s:pick_only"] = 1.0
    found[key].features["s:pick"] = 1.0


class _Evidence:
    """Document-wide facts, built once: word counts, web and mail domains, the words of
    the lines that carry the issuer's registration (VAT id, IBAN, registry), and which of
    the rows names can come from are a buyer's heading."""

    def __init__(self, search: NameSearch) -> None:
        self.search = search
        self.rows = rows = search.rows
        self._buyer_heading: dict[int, bool] = {}
        self.mentions = search.mentions
        self.domains = search.domains
        self.footer: set[str] = set()
        self.id_rows: set[int] = set()  # rows with a VAT id, IBAN, registry or phone
        for row in rows:
            if "id" in groups_in(row.folded) or _LEGAL_CONTEXT.search(row.folded):
                self.footer.update(_WORD.findall(row.folded))
                self.id_rows.add(row.index)

    def id_below(self, row: Row) -> bool:
        """Whether a row with an id stands within `_BLOCK_ROWS` rows under `row`, on its
        page (a letterhead block: name, address, VAT id)."""
        under = self.rows[row.index + 1 : row.index + 1 + _BLOCK_ROWS]
        return any(r.index in self.id_rows and r.line.page == row.line.page for r in under)

    def buyer_near(self, row: Row) -> bool:
        """A buyer heading within six rows above, wherever its column (each row is
        looked at once, however many names are near it)."""
        for above in self.rows[max(0, row.index - 6) : row.index]:
            heading = self._buyer_heading.get(above.index)
            if heading is None:
                heading = self._buyer_heading[above.index] = _is_buyer_heading(above)
            if heading:
                return True
        return False


def _features(
    document: Document, row: Row, name: str, evidence: _Evidence, tallest: float
) -> dict[str, float]:
    rows, folded = evidence.rows, fold(name)
    core = max((w for w in _WORD.findall(folded) if w not in _STOPWORDS), key=len, default="")
    words = name.split()
    above = rows[row.index - 1].folded if row.index and rows[row.index - 1].line.page == 0 else ""
    before = row.folded[: max(row.folded.find(folded), 0)]
    features = {
        "s:legal_form": float(_has_legal_form(folded)),
        "s:position": row.position,
        "s:top": float(row.position < 0.15),
        "s:first_rows": float(row.index < 3),
        "s:large_type": float(row.line.height > 1.15 * document.line_height),
        "s:largest_type": float(row.line.height >= tallest),
        "s:under_seller": evidence.search.under_label(row, Kind.SELLER),
        "s:under_buyer": evidence.search.under_label(row, Kind.BUYER),
        "s:buyer_on_row": float(any(lb.kind is Kind.BUYER for lb in row.labels)),
        "s:buyer_near": float(evidence.buyer_near(row)),
        "s:owner": float(_owner(rows, row, folded)),
        "s:legal_context": float(bool(_LEGAL_CONTEXT.search(row.folded))),
        "s:mentions": min(evidence.mentions(core) - 1, 5) / 5 if core else 0.0,
        "s:domain": float(core in evidence.domains),
        "s:footer": float(bool(core) and core in evidence.footer and row.position < 0.5),
        "s:capital": float(name[:1].isupper()),
        "s:all_caps": float(name.isupper()),
        "s:words": min(len(words), 8) / 8,
        "s:digits": float(any(char.isdigit() for char in name)),
        "s:long": float(len(name) > 40),
        "s:person_shape": float(_person_shape(name, folded)),
        "s:person_word": float(bool(_PERSON.search(before) or _PERSON.search(above[-40:]))),
        "s:address": float(bool(_ADDRESS.search(folded))),
        "s:postcode": float(bool(_POSTCODE.search(folded))),
        "s:label_word": float(bool(_LABEL_WORD.match(folded))),
        "s:software": float(bool(_SOFTWARE.search(folded) or _SOFTWARE.search(before))),
        "s:from": float(bool(_FROM.search(before) or _FROM.search(above[-30:]))),
        "s:payer": float(bool(_PAYER.search(before) or _PAYER.search(above[-30:]))),
        "s:whole_row": float(folded == row.folded.strip()),
    }
    for context, text in (("row", before), ("above", above)):
        for group in groups_in(text):
            features[f"s:{context}:{group}"] = 1.0
    features |= _payer_in_name(folded)
    features["s:id_below"] = float(evidence.id_below(row))
    return features


def _payer_in_name(folded: str) -> dict[str, float]:
    """A name that starts with a payer's label (*Ricevuto da: Energia Testa SA*, as the
    rules may take a whole line) names the payer, whatever words stand before it."""
    return {"s:payer_in_name": 1.0} if _PAYER.match(folded) else {}


def _is_buyer_heading(row: Row) -> bool:
    """A buyer label, the rules' or one of `_BUYER`."""
    return bool(_BUYER.search(row.folded)) or any(label.kind is Kind.BUYER for label in row.labels)


def _person_shape(name: str, folded: str) -> bool:
    """Two or three capitalised words, no legal form: 'Anna Schmidt', 'Jean-Luc Martin'."""
    words = name.split()
    return (
        2 <= len(words) <= 3
        and all(_NAME_WORD.fullmatch(word) for word in words)
        and not _has_legal_form(folded)
    )
