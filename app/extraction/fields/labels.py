"""The words printed next to a value that say what it is, in English, French, German and
Dutch (and a few Polish ones). Patterns are matched on folded text (no case, no accents)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from app.extraction.fields.text import starting_with


class Kind(Enum):
    TOTAL = "total"
    SUBTOTAL = "subtotal"
    TAX = "tax"
    ISSUE_DATE = "issue_date"
    DUE_DATE = "due_date"
    OTHER_DATE = "other_date"
    NUMBER = "number"
    SELLER = "seller"
    BUYER = "buyer"
    # Phrases that contain a label word but are not that label ('VAT number',
    # 'prices include VAT'): matched so that they win over the shorter word.
    IGNORE = "ignore"


_TAX_NAME = r"(?:vat|tax|gst|btw|mwst|tva)"
# 'Total sales (incl', 'Total RM incl.': a word or a currency and a bracket between 'total'
# and what it includes.
_SALES = r"(?: sales| amount| amt| due| rm| myr| eur| usd| gbp| chf)? ?\(?"
_INCLUDING = r"inc(?:l|lusive|luding)?\.?"

_LEXICON: tuple[tuple[Kind, float, str], ...] = (
    (
        Kind.TOTAL,
        3.0,
        r"grand total|total (?:ttc|t\.t\.c\.?|due|amount(?: due)?|a payer"
        r"|general|factur[ae]|to pay|payable|incl\.?(?:uding)?(?: (?:vat|tax|btw|mwst|tva))?"
        r"|(?:eur|usd|gbp|chf))",
    ),
    (
        Kind.TOTAL,
        3.0,
        r"amount (?:due|payable|to pay|paid)|balance due|net a payer"
        r"|(?:somme|montant|reste|solde) (?:a payer|du|total|ttc)|a payer|ttc",
    ),
    (
        Kind.TOTAL,
        3.0,
        r"(?:gesamt|rechnungs|end|brutto|zahl)betrag|gesamtsumme|zu zahlen"
        r"|totaal (?:incl\.?(?:usief)? btw|te betalen|bedrag)|te betalen|factuur ?totaal"
        r"|totaalbedrag|naleznosc ogolem|do zaplaty",
    ),
    # 'Total incl. GST@6%', 'TOTAL SALES (INCLUSIVE OF GST)', 'Total (GST incl)': the sum
    # with the tax in it.
    (
        Kind.TOTAL,
        3.0,
        rf"total{_SALES}(?:{_INCLUDING} ?(?:of )?{_TAX_NAME}|{_TAX_NAME} ?{_INCLUDING})\)?",
    ),
    # 'Due' alone, at the start of a line: the amount due ('Change due' is not).
    (Kind.TOTAL, 2.0, r"total|totaal|summe|gesamt|razem|montant|bedrag|betrag|amount|due"),
    (
        Kind.SUBTOTAL,
        3.0,
        r"sub ?-?total|sous-? ?total|zwischensumme|subtotaal"
        r"|total (?:ht|h\.t\.?|hors taxes?|net|excl\.?(?:uding)?(?: (?:vat|tax|btw|tva))?)"
        r"|montant (?:ht|hors taxes?|net)|net amount|nettobetrag|netto(?:summe)?"
        r"|excl(?:usief|\.)? btw|(?:total )?before tax|grondslag|untaxed amount|ht"
        r"|ohne (?:mwst|ust)\.?|excl(?:\.|uding)? (?:vat|tax|tva|gst)|hors (?:tva|taxes?)",
    ),
    (Kind.SUBTOTAL, 3.0, rf"total{_SALES}\(?excl(?:\.|uding|usive)? ?(?:of )?{_TAX_NAME}\)?"),
    (Kind.SUBTOTAL, 2.0, r"net"),
    (
        Kind.TAX,
        3.0,
        r"(?:montant|total) (?:de la )?tva|tva|vat(?: amount)?|total tax|(?:tax|gst|vat) total"
        r"|(?:sales )?tax(?:es)?(?: amount)?|mwst\.?|ust\.?|umsatzsteuer|mehrwertsteuer"
        r"|btw(?: bedrag)?|gst|[cis]gst|kwota vat|iva|hst|pst|qst",
    ),
    # 'GST @6% included in total RM 0.42': the tax, though the line says 'total'.
    (Kind.TAX, 3.0, rf"{_TAX_NAME} ?(?:@ ?[\d.,]+ ?% )?included in (?:the )?total"),
    (
        Kind.IGNORE,
        0.0,
        r"(?:n°|no\.?|numero|number|nummer|nr\.?|id|reg(?:istration)?)\s*"
        r"(?:de\s+)?(?:tva|vat|btw|ust|tax|gst)|(?:tva|vat|btw|ust|tax|gst)[- ]?(?:id|nr\.?"
        r"|no\.?|n°|number|nummer|reg\w*|intra\w*|identification|#|%|rate|code)"
        r"|ust-?id\w*|steuer-?nr\.?|incl(?:\.|usief|usive|us|uded)? (?:of )?(?:btw|vat|tax|tva"
        r"|mwst|gst)|(?:prices|prijzen|preise) \w+ (?:inclusief|inclusive|inkl\.?) \w+"
        r"|tax invoice|tva acquittee|inclusive of|vat invoice"
        r"|(?:company|co\.?) (?:reg(?:istration)?\.? ?)?(?:no\.?|number|nr\.?)"
        # A count of items, not a sum: 'Total qty: 3', 'Total item(s): 7'.
        r"|total (?:qty|quantity|items?|pieces|pcs|units)(?:\(s\))?"
        r"|(?:po|p\.o\.|purchase order|order|customer|account|client|kunden|klant|contract|booking"
        r"|dossier)[ -]?(?:number|no\.?|nr\.?|nummer|n°|#|numero)"
        r"|(?:your|our|su|vs\.?|vostro|nostro|votre|notre|ihre|unsere|uw|onze|customer|client)"
        r" (?:ref\w*|riferimento|referencia|referenz|referentie|order\w*|bestell\w*|pedido)"
        r"|(?:phone|telephone|tel|fax|mobile|iban|account|konto|rekening) ?(?:number|nummer|numero)"
        r"|(?:numero|number|nummer) (?:de )?(?:client|cliente|customer|kunde|klant|commande"
        r"|pedido|ordine|order|tva|iva|siret|telephone|telefono|phone)",
    ),
    (
        Kind.ISSUE_DATE,
        3.0,
        r"invoice date|date of (?:issue|invoice)|issue date|issued on"
        r"|date (?:de (?:la )?)?facture|date d'emission|date de facturation|rechnungsdatum"
        r"|belegdatum|ausstellungsdatum|factuur ?datum|datum factuur|data wystawienia"
        r"|receipt date|document date|tax point",
    ),
    (Kind.ISSUE_DATE, 2.0, r"date|datum|data"),
    (Kind.ISSUE_DATE, 1.0, r"du|vom|of|le"),
    (
        Kind.DUE_DATE,
        3.0,
        r"due date|date due|due (?:on|by)|payment due|pay(?:able)? (?:by|before)"
        r"|echeance|date d'echeance|date limite(?: de (?:paiement|reglement))?|a regler avant"
        r"|fallig(?:keit)?(?:sdatum)?|zahlungsziel|zahlbar bis|vervaldatum|vervaldag"
        r"|uiterste betaaldatum|betalen voor|termin platnosci|prelevement a partir du",
    ),
    (
        Kind.OTHER_DATE,
        2.0,
        r"order date|orderdatum|date de (?:commande|livraison)"
        r"|bestelldatum|auftragsdatum|delivery date|lieferdatum|leverdatum|check[- ]?(?:in|out)"
        r"|(?:billing |statement |service )?period|periode|zeitraum|leistungsdatum"
        r"|date of (?:birth|supply|delivery)|expiry|valid until|geldig tot",
    ),
    (
        Kind.NUMBER,
        3.0,
        r"invoice (?:number|no\.?|nr\.?|num\.?|#|id)|inv\.? ?(?:no\.?|#)"
        r"|facture (?:n°|no\.?|numero|nr\.?)|(?:n°|numero|no\.?) (?:de )?facture"
        r"|rechnungs?(?:-?nr\.?|nummer|-?no\.?)|rechnung (?:nr\.?|no\.?|#)|factuur ?(?:nummer"
        r"|nr\.?|no\.?)|faktura (?:vat )?(?:nr\.?|numer)|receipt (?:number|no\.?|#)"
        r"|(?:recu|ticket|bon|quittung|beleg|kassenbon|bon de caisse) ?(?:n°|no\.?|nr\.?|#|-nr\.?)"
        r"|(?:bon|beleg|quittungs|ticket|kassabon|transactie)nummer|(?:numero|n°) de ticket"
        r"|(?:document|transaction) (?:no\.?|number|nr\.?|#|id)"
        r"|(?:credit ?note|credit memo|avoir|gutschrift|creditnota|nota di credito"
        r"|stornorechnung|factura rectificativa|nota de abono)"
        r" ?(?:n°|no\.?|nr\.?|-nr\.?|number|nummer|numero|n\.|#)"
        # Spanish and Italian: 'Factura nº', 'Nº de factura', 'Numero fattura', 'Fattura n.'
        r"|factura (?:n°|no\.?|num\.?|numero)|(?:n°|numero|num\.?) de factura"
        r"|(?:numero|n\.|nr\.?) (?:della )?fattura|fattura (?:n\.|nr\.?|numero|n°)"
        r"|(?:n\.|numero|n°) (?:documento|doc\.?)",
    ),
    (
        Kind.NUMBER,
        2.0,
        r"invoice|facture|rechnung|factuur|faktura|receipt"
        r"|credit ?note|gutschrift|creditnota|nota di credito",
    ),
    (Kind.NUMBER, 1.0, r"booking id|#|n°"),
    # 'Number: 2026/45468', 'Nummer FA-2025-38691', 'Numéro', 'Ref.: INV2514830' in the
    # header block; a customer's or order's number is an IGNORE label, which wins.
    (Kind.NUMBER, 1.5, r"number|nummer|numero|ref\.?|reference"),
    (
        Kind.SELLER,
        3.0,
        r"sold by|seller|vendor|supplier|service provider|bill from|vendeur"
        r"|fournisseur|emetteur|prestataire|verkaufer|lieferant|leverancier|verkoper|sprzedawca"
        r"|titulaire du compte|account holder|account name|kontoinhaber|t\.n\.v\.?|payable to"
        r"|in favou?r of|beneficiaire|begunstigde|from",
    ),
    (
        Kind.BUYER,
        3.0,
        r"bill(?:ed)? to|ship(?:ped)? to|sold to|invoice to|deliver(?:y|ed)? to"
        r"|(?:billing|shipping|delivery|invoice) address|customer(?: name)?|client"
        r"|factur(?:e|ee) a|adresse de (?:facturation|livraison)|livre a|destinataire"
        r"|rechnungsadresse|lieferadresse|rechnungsempfanger|kunde|empfanger|factuuradres"
        r"|afleveradres|klant|nabywca|guest name|attn\.?|t\.a\.v\.?|abonne|to",
    ),
)

# A label ends where its word ends; a digit may follow at once ('TVA5,5%' as OCR reads
# it, 'n°12345').
_START, _END = r"(?<![\w#°])", r"(?:(?<=[^\w])|(?![^\W\d]|[#°]))"
_COMPILED = tuple(
    (kind, weight, re.compile(rf"{_START}(?:{pattern}){_END}"))
    for kind, weight, pattern in _LEXICON
)
# Whether a text holds any label, in one search (most lines and names hold none): it
# finds a match exactly when one of the patterns above would, at the same place (tried
# only where a label's first character stands).
_ALTERNATIVES = "|".join(f"(?:{pattern})" for _, _, pattern in _LEXICON)
_ANY = re.compile(rf"{_START}{starting_with(_ALTERNATIVES)}(?:{_ALTERNATIVES}){_END}")
# Where each pattern matches at one place, all in one match: a lookahead per pattern,
# optional, whose group holds that pattern's match there (the same match as the pattern's
# own, since a lookahead keeps the first way it succeeds).
_AT = re.compile(
    "".join(
        rf"(?:(?=(?P<l{number}>{pattern}){_END})|)"
        for number, (_, _, pattern) in enumerate(_LEXICON)
    )
)
# Labels that are only labels at the start of a line or before a colon: in running
# text these little words are everywhere.
_SHORT = {"le", "du", "of", "vom", "to", "from", "#", "n°", "data"}
_SHORT |= {"montant", "amount", "net", "due"}  # the money words among them


@dataclass(frozen=True, slots=True)
class Label:
    kind: Kind
    weight: float
    start: int
    end: int


def find_labels(folded: str) -> list[Label]:
    """Labels in a folded line, left to right; a longer label wins over one inside it."""
    return list(_labels(folded))


@lru_cache(maxsize=8192)
def _labels(folded: str) -> tuple[Label, ...]:
    # Cached: headers and footers repeat on every page, names are checked several times.
    place = _ANY.search(folded)
    if place is None:
        return ()
    # Each pattern's matches as its own `finditer` would find them, left to right and not
    # overlapping, found at the places where any pattern matches: there `_AT` tells which
    # patterns match and where each match ends (most lines hold one or two labels, so
    # this beats twenty scans of the line).
    ends = [0] * len(_COMPILED)  # where the pattern's last match ended
    matches: list[list[tuple[int, int]]] = [[] for _ in _COMPILED]
    while place is not None:
        start = place.start()
        spans = _AT.match(folded, start).regs  # type: ignore[union-attr]
        for number in range(len(_COMPILED)):
            end = spans[number + 1][1]
            if end != -1 and start >= ends[number]:
                matches[number].append((start, end))
                ends[number] = end
        place = _ANY.search(folded, start + 1)
    found: list[Label] = []
    for (kind, weight, _), spans_of in zip(_COMPILED, matches, strict=True):
        for start, end in spans_of:
            if folded[start:end] in _SHORT and not _stands_alone(folded, start, end):
                continue
            found.append(Label(kind, weight, start, end))
    found.sort(key=lambda label: (label.start - label.end, -label.weight))
    # Which characters a kept label already covers: checking a label costs its own
    # length, so the whole pass is linear in the line (comparing every label with every
    # kept one took minutes on a line of 80,000 'Total's).
    taken = bytearray(len(folded))
    kept: list[Label] = []
    for label in found:
        if taken.find(1, label.start, label.end) == -1:
            taken[label.start : label.end] = b"\x01" * (label.end - label.start)
            kept.append(label)
    return tuple(sorted(kept, key=lambda label: label.start))


def _stands_alone(folded: str, start: int, end: int) -> bool:
    word = folded[start:end]
    after = folded[end:].lstrip()
    if word in {"du", "of", "le", "vom"}:
        return True  # their values are checked by the caller: a date must follow
    if word in {"#", "n°"}:
        return bool(after[:1].isalnum())
    return folded[:start].strip() == "" or after.startswith(":")
