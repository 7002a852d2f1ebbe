"""Label words of the learned reader, in English, French, German, Dutch, Spanish and
Italian, matched on folded text (no case, no accents).

Unlike `fields.labels`, nothing here decides: each group only says "a word of this kind is
printed here", and the model weighs where (left of the value, in the column header above
it, on the line above) and how much.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.extraction.fields.text import starting_with

_GROUPS: dict[str, str] = {
    "total": r"total|totaal|gesamt\w*|summe|totale|importe total|montant total|grand total|gross"
    r"|ttc|brut|brutto\w*|(?:rechnungs|end)betrag|bruto|lordo|incl\w*|inkl\w*|ivato|iva incluida"
    r"|endsumme|invoice amount|bill total|montant de la facture",
    "net": r"net|netto\w*|nett|ht|hors tax\w*|sous-? ?total|sub-? ?total\w*|zwischensumme"
    r"|subtotaal|excl\w*|exkl\w*|ohne|imponibile|base imponible|base|untaxed|before tax"
    r"|grondslag|warenwert|nette|goods value|net value|nettowert|entgelt|valeur marchande"
    r"|valeur (?:de la )?marchandise\w*",
    "tax": r"vat|tva|tax\w*|mwst|ust|umsatzsteuer|mehrwertsteuer|btw|iva|igic|gst|impuesto"
    r"|imposta",
    "due": r"due|a payer|net a payer|reste|solde|zu zahlen|zahlbetrag|restbetrag|offen\w*"
    r"|te betalen|openstaand|a pagar|pendiente|da pagare|saldo|balance|to pay|payable"
    r"|verbleibend\w*|zu zahlende\w*|noch offen|nachzahlung|now due|reste a payer"
    r"|a rembourser|erstattung\w*|refund\w*",
    "prepaid": r"acompte|avance|deja (?:paye|regle|verse)|prepa\w*|advance|deposit"
    r"|already paid|paid|anzahlung|vorauszahlung|abschlag\w*|bereits (?:bezahlt|gezahlt)"
    r"|geleistet\w*|aanbetaling|voorschot|reeds betaald|anticipo|ya pagado|acconto|gia pagato"
    r"|vorschuss\w*|akonto\w*|a conto|retainer|provision|mensualites|on account|received"
    r"|erhalten|recue?|versee?|abschlagszahlung\w*|instalments? paid|payments? received",
    "discount": r"discount|remise|rabais|escompte|rabatt|skonto|korting|descuento|sconto",
    "unit": r"unit\w*|prix unitaire|p\.u\.|einzelpreis|stuckpreis|prijs|eenheidsprijs"
    r"|precio|prezzo|qty|quantit\w*|menge|aantal|cantidad|qte|anz",
    "rate": r"%|rate|taux|satz|tarief|tipo|aliquota",
    "id": r"iban|bic|swift|siret|siren|rcs|hrb|kvk|vat (?:no|number|id)|n° tva|ust-?id\w*"
    r"|steuer-?nr|cif|nif|p\.? ?iva|partita iva|tel\w*|phone|fax|capital|kapital",
    "issue_date": r"invoice date|date of issue|issue date|issued|date de (?:la )?facture"
    r"|date d'emission|date de facturation|rechnungsdatum|ausstellungsdatum|belegdatum"
    r"|factuurdatum|datum factuur|fecha de (?:la )?factura|fecha de emision|fecha factura"
    r"|data (?:della )?fattura|data di emissione|data documento|document date"
    r"|emise? le|issued on|bill date|billing date|date of invoice|invoice dated|erstellt am"
    r"|datum der rechnung|fatturata il|fecha (?:de )?expedicion",
    "due_date": r"due|echeance|payable|a regler|avant le|fallig\w*|zahlbar|zahlungsziel"
    r"|vervaldatum|vervaldag|betalen voor|uiterlijk|vencimiento|vence|scadenza|entro il"
    r"|pagar antes|direct debit|collect\w*|preleve\w*|prelevement|eingezogen|abgebucht"
    r"|abbuchung|lastschrift|pay by|addebito|zahlungstermin|date limite|payment date",
    "other_date": r"deliver\w*|livraison|liefer\w*|lever\w*|entrega|consegna|order\w*"
    r"|commande|bestell\w*|auftrag\w*|bestel\w*|pedido|ordine|period\w*|zeitraum|leistung\w*"
    r"|service|prestation|du .* au|from|to|bis|tot|al|hasta|print\w*|druck\w*|birth"
    r"|valid\w*|gultig|geldig|expir\w*|book\w*|reserv\w*|gebucht|buchung\w*|travel\w*"
    r"|reise\w*|\w*fahrt|departure|voyage|outbound|aller|flight|flug\w*|ablese\w*"
    r"|abgelesen|releve|relev\w*|reading|read on|dispatch\w*|shipped|versand\w*|versandt"
    r"|expedie\w*|expedition|imprime\w*|edite\w*|gedruckt|\w*zeitraum|ab|a partir d\w*|viaggio"
    r"|partenza|stampat\w*",
    # Words that say "a date" without saying which: beside a delivery or booking word
    # they name another date, alone they often name the issue date.
    "date_word": r"fecha|datum|date|data|le|du|vom|del|am|on|of",
    "document": r"invoice|facture|rechnung|factuur|factura|fattura|receipt|ticket|quittung"
    r"|bon|kassenbon|recibo|scontrino",
    "credit": r"credit ?note|avoir|gutschrift|rechnungskorrektur|creditnota|credit ?factuur"
    r"|nota de credito|factura rectificativa|nota di credito",
}

GROUPS: tuple[str, ...] = tuple(_GROUPS)

# One pass over the text for all groups: alternatives in one pattern, each in its named
# group; a label word stands between non-letters (the test before it is made once per
# position for all groups: the same match, found faster), and only where a word of a
# group can begin.
_PATTERN = re.compile(
    "(?<![a-z])"
    + starting_with("|".join(f"(?:{words})" for words in _GROUPS.values()))
    + "(?:"
    + "|".join(rf"(?P<{name}>(?:{words})(?![a-z]))" for name, words in _GROUPS.items())
    + ")"
)


@lru_cache(maxsize=8192)
def groups_in(folded: str) -> frozenset[str]:
    """The groups whose words appear in `folded` (one linear scan; the same line above
    or column header serves many values, so the answer is kept)."""
    found = set()
    for match in _PATTERN.finditer(folded):
        if match.lastgroup is not None:
            found.add(match.lastgroup)
    return frozenset(found)
