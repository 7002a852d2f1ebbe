"""The supplier: the business that issued the document, told apart from its customer."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.extraction.fields.brand import trading_name
from app.extraction.fields.dates import find_dates
from app.extraction.fields.document import Row
from app.extraction.fields.labels import Kind, Label, find_labels
from app.extraction.fields.text import fold, starting_with

_LEGAL_FORMS = (
    r"b\.?v\.?|n\.?v\.?|gmbh|ag|s\.?a\.?s?\.?|sarl|eurl|sasu|ltd\.?|limited|inc\.?"
    r"|llc|llp|plc|pvt\.?|corp\.?|corporation|company|co\.|kg|ohg|ug|e\.k\.|s\.?r\.?l\.?"
    r"|s\.?p\.?a\.?|oy|ab|a/s|aps|bvba|vof|sprl|gbr|sp\. z o\.o\.|spolka akcyjna"
    r"|sdn\.? bhd\.?|bhd\.?|berhad|s/b|pte\.?"
)
# (Tried only where a legal form's first letter stands.)
_LEGAL_FORM = re.compile(rf"(?<![a-z]){starting_with(_LEGAL_FORMS)}(?:{_LEGAL_FORMS})(?![a-z])")
_LEGAL_CONTEXT = re.compile(
    r"capital|siege social|rcs|siret|siren|registered office|regd\.? office|kvk|hrb"
    r"|handelsregister|registergericht|company (?:no|number|reg)|vorstand|geschaftsfuhrer"
)
_CUT = re.compile(
    r"\s+[-|]\s+|,\s*(?=\d)|\s{2,}|\s+(?:au capital|capital|rcs|siret|siren|kvk|hrb"
    r"|registered|vat|tva|btw|tel|phone|fax)(?![a-z])"
    # 'e-Luscious Nederland B.V. iov Saeco.com': a company acting on another's behalf.
    r"|\s+(?:i\.?o\.?v\.?|on behalf of|pour le compte de|im auftrag (?:von|der|des)|c/o)(?![a-z])"
    # The company number printed after the name: '(123456 X)', '(CO. NO: 98765-T)', '654321-U'.
    r"|\s*\((?:co(?:mpany)?\.? ?(?:reg\.? ?)?no\.? ?:? ?)?\d{4,}[ -]?[a-z]?\)?"
    r"|\s+\d{5,}-[a-z](?![a-z])"
    # A bracket left open at the end of the line: its rest wrapped onto the next one.
    r"|\s*\([^)]*$",
)
_TITLE = re.compile(
    r"^(?:invoices?|factures?|rechnung(?:en)?|factuur|facturen|receipts?|payment receipt|recu"
    r"|ticket|quittung|kassenbon|tax invoice|credit ?notes?|credit memo|avoir|gutschrift"
    r"|creditnota|nota di credito|copy"
    r"|duplicata|kopie|original|page|seite|bill|statement|devis|quote|offerte)\b"
)
_ADDRESS = re.compile(
    r"(?<![a-z])(?:rue|avenue|av\.|bd|boulevard|chemin|street|st\.|road|rd\.|lane|straat|weg"
    r"|laan|plein|strasse|str\.|platz|cedex|p\.?o\.? box|bp|postbus"
    r"|jalan|jln|lorong|persiaran|lebuh|taman|tmn)(?![a-z])"
    # Dutch and German streets are one word: Dorpsstraat, Hauptstraße, Kirchweg.
    r"|[a-z](?:straat|strasse|straße|str\.|weg|laan|gracht|plein|singel|kade|dijk|allee)"
    r"\s*\d"
)
# A name broken at its '&': the line ends with it, or the next one starts with it.
_WRAPPED = re.compile(r"(?:&|(?<![a-z])and) *\n|\n *&")
_OWNER = re.compile(r"(?:owned|operated|managed) by|(?:division|subsidiary) of")
# A country on a line of its own ends an address block.
_COUNTRY = re.compile(
    r"(?:malaysia|singapore|indonesia|thailand|india|australia|new zealand|canada|usa"
    r"|united (?:states|kingdom)|uk|ireland|france|belgique|belgie|belgium|nederland"
    r"|the netherlands|netherlands|deutschland|germany|luxembourg|suisse|schweiz|switzerland"
    r"|osterreich|austria|italia|italy|espana|spain|portugal|polska|poland)\.?"
)
_WEB = re.compile(r"@|www\.|https?:|\.(?:com|fr|de|nl|be|net|org|eu|co\.uk|in)(?![a-z])")
_DOMAIN = re.compile(r"(?:@|www\.|https?://)(?:[a-z0-9-]+\.)*?([a-z0-9-]{3,})\.[a-z]{2,}")
_WORD = re.compile(r"[a-z][a-z&'-]{2,}")
_FIGURE_BEFORE = re.compile(r"\d\s*$")
_LETTERS = re.compile(r"[a-z]+")
# The issuer is named in the first lines of the first page (a letterhead, a sender line)
# or in its footer: names are looked for in this many rows at most, whatever the upload.
_MAX_NAME_ROWS = 150
_CONNECTORS = {"du", "of", "le", "vom", "to", "from"}
_STOPWORDS = {"the", "and", "les", "des", "der", "die", "het", "van", "und", "for", "services"}
# A brand named by the document's own domain and in its text.
_BRAND_CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class Supplier:
    value: str | None
    confidence: float


class NameSearch:
    """What the name search reads of the whole document, built once and shared by the
    rules and the learned reader's supplier candidates: the text, its web and mail
    domains, how often each word is printed, each row's phrases and where it stands
    (under a seller's or a buyer's label)."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows
        self.everything = "\n".join(row.folded for row in rows)
        self.domains = {match.group(1) for match in _DOMAIN.finditer(self.everything)}
        self.mentions = _Mentions(self.everything)
        self._phrases: dict[int, list[tuple[str, bool]]] = {}
        self._under: dict[tuple[int, Kind], float] = {}

    def phrases(self, row: Row) -> list[tuple[str, bool]]:
        found = self._phrases.get(row.index)
        if found is None:
            found = self._phrases[row.index] = _phrases(self.rows, row)
        return found

    def under_label(self, row: Row, kind: Kind) -> float:
        key = (row.index, kind)
        found = self._under.get(key)
        if found is None:
            found = self._under[key] = _under_label(self.rows, row, kind)
        return found


def read_supplier(rows: Sequence[Row]) -> Supplier:
    """The brand the document is issued under if it names one (see `brand`), else the
    best-scored name."""
    return supplier_and_brand(rows)[0]


def supplier_and_brand(
    rows: Sequence[Row], search: NameSearch | None = None
) -> tuple[Supplier, bool]:
    """`read_supplier`'s answer, and whether it is a trading name other than the
    best-scored printed name (the learned reader leaves a brand alone)."""
    printed = _best_name(rows, search=search)
    brand = trading_name(rows, printed.value)
    if brand is not None:
        return Supplier(brand, _BRAND_CONFIDENCE), brand != printed.value
    return printed, False


def registered_name(rows: Sequence[Row]) -> Supplier:
    """The best-scored name that carries a legal form, or none."""
    return _best_name(rows, registered_only=True)


def _best_name(
    rows: Sequence[Row], *, registered_only: bool = False, search: NameSearch | None = None
) -> Supplier:
    search = search or NameSearch(rows)
    scored: list[tuple[float, str]] = []
    for row in rows[:_MAX_NAME_ROWS]:
        if row.line.page > 0:
            break  # the issuer is named on the first page
        for text, named in search.phrases(row):
            name = _clean(text)
            if name is None or (registered_only and not _has_legal_form(fold(name))):
                continue
            score = _score(search, row, name) + (3.0 if named else 0.0)
            scored.append((score, name))
    if not scored:
        return Supplier(None, 0.0)
    score, name = max(scored, key=lambda pair: pair[0])  # the first of equals
    if score < 1.0:
        return Supplier(None, 0.0)
    return Supplier(_spaced(name, scored), round(min(0.9, 0.2 + 0.1 * score), 2))


def _spaced(name: str, scored: Sequence[tuple[float, str]]) -> str:
    """OCR drops the spaces of large type: 'DrukkerijSmit' in the letterhead is the
    'Drukkerij Smit' of the footer."""
    squeezed = fold(name).replace(" ", "")
    same = [
        other
        for score, other in scored
        if score >= 1.0 and fold(other).replace(" ", "") == squeezed and other.count(" ")
    ]
    return max(same, key=lambda other: other.count(" "), default=name)


def _phrases(rows: Sequence[Row], row: Row) -> list[tuple[str, bool]]:
    """The row's phrases, the row with the name wrapped onto the next line ('SUPER STORE'
    over 'SDN BHD', 'LIM TILES &' over 'SANITARY WARE'), and the text right after a seller
    label ('Sold by: X'), which is marked as named by that label."""
    found = [(phrase.text, False) for phrase in row.line.phrases()]
    below = rows[row.index + 1] if row.index + 1 < len(rows) else None
    if below is not None and below.line.page == row.line.page and _wraps_onto(row, below):
        found.append((f"{row.text} {below.text}", False))
    for label in row.labels:
        if label.kind is Kind.SELLER:
            rest = row.text[label.end :].lstrip(" :")
            if rest:
                found.append((rest, True))
    return found


def _wraps_onto(row: Row, below: Row) -> bool:
    return _only_legal_form(below) or bool(_WRAPPED.search(f"{row.folded}\n{below.folded}"))


def _only_legal_form(row: Row) -> bool:
    cut = _CUT.search(row.folded)
    return bool(_LEGAL_FORM.fullmatch(row.folded[: cut.start() if cut else None].strip(" .,")))


@lru_cache(maxsize=4096)
def _clean(phrase: str) -> str | None:
    folded = fold(phrase)
    labels = find_labels(folded)
    if labels and labels[0].start == 0 and labels[0].kind is Kind.SELLER:
        phrase = phrase[labels[0].end :]
        folded = folded[labels[0].end :]
    whole = folded  # before the cut: a date anywhere in it rules the phrase out
    cut = _CUT.search(folded)
    if cut:
        phrase, folded = phrase[: cut.start()], folded[: cut.start()]
    name = phrase.strip(" :;,-*()\u00b7\u2022|\u2013\u2014")  # separators of a footer line
    # The cheap tests first (each test only rules a phrase out, so their order is free).
    letters = sum(map(str.isalpha, name))
    digits = sum(map(str.isdigit, name))
    if letters < 2 or digits > 0.25 * len(name):
        return None
    if " " not in name and ("_" in name or digits):
        return None  # an identifier, not a name
    if find_dates(whole):
        return None
    folded = fold(name)
    if _WRAPPED.search(f"\n{folded}\n"):
        return None  # one half of a name broken at its '&'
    if len(_LEGAL_FORM.sub("", folded).split()) > 7:
        return None  # a sentence, not a name
    if _TITLE.match(folded) or _WEB.search(folded):
        return None
    if _COUNTRY.fullmatch(folded):
        return None
    if (_ADDRESS.search(folded) and not _registered_name(folded)) or any(
        _names_something_else(folded, lb) for lb in find_labels(folded)
    ):
        return None
    if not _LEGAL_FORM.sub("", folded).strip(" .,"):
        return None  # 'SARL' alone is a legal form, not a name
    return name


def _registered_name(folded: str) -> bool:
    """'Park Lane Bakery Sdn Bhd': a street word in a name that ends in its legal form
    and holds no house number."""
    forms = list(_LEGAL_FORM.finditer(folded))
    return (
        bool(forms)
        and not folded[forms[-1].end() :].strip(" .,")
        and not any(char.isdigit() for char in folded)
    )


def _names_something_else(folded: str, label: Label) -> bool:
    # 'Pharmacie du Parc': little words are labels only in front of their values.
    return label.kind is not Kind.SELLER and folded[label.start : label.end] not in _CONNECTORS


class _Mentions:
    """How often a word is printed in the document: letter-only words are counted once
    for all (a search of the whole text per candidate name was quadratic); the rare word
    with '&', an apostrophe or a hyphen is searched, once."""

    def __init__(self, everything: str) -> None:
        self.everything = everything
        self.counts = Counter(_LETTERS.findall(everything))
        self.searched: dict[str, int] = {}

    def __call__(self, word: str) -> int:
        if word.isalpha():
            return self.counts[word]
        if word not in self.searched:
            pattern = rf"(?<![a-z]){re.escape(word)}(?![a-z])"
            self.searched[word] = len(re.findall(pattern, self.everything))
        return self.searched[word]


def _score(search: NameSearch, row: Row, name: str) -> float:
    rows, mentions, domains = search.rows, search.mentions, search.domains
    folded = fold(name)
    score = 2.5 if _has_legal_form(folded) else 0.0
    if row.line.page == 0 and row.position < 0.3:
        score += 1.5 * (1 - row.position / 0.3)
    elif row.line.page > 0:
        score -= 0.5
    score += 3.0 * search.under_label(row, Kind.SELLER) - 4.0 * search.under_label(row, Kind.BUYER)
    if any(label.kind is Kind.BUYER for label in row.labels):
        score -= 4.0
    if _owner(rows, row, folded):
        score -= 3.0
    if _LEGAL_CONTEXT.search(row.folded) or any(
        _LEGAL_CONTEXT.search(other.folded) for other in rows[row.index + 1 : row.index + 2]
    ):
        score += 1.5
    core = max(
        (word for word in _WORD.findall(folded) if word not in _STOPWORDS),
        key=len,
        default="",
    )
    if core:
        score += min(0.4 * (mentions(core) - 1), 2.0) + (1.0 if core in domains else 0.0)
    return score + (0.3 if name[:1].isupper() else 0.0)


def _owner(rows: Sequence[Row], row: Row, name: str) -> bool:
    """The company behind a shop ('Owned by: Angsana Supply Sdn Bhd' under the shop's
    own name): the receipt is issued under the shop's name."""
    before = row.folded[: max(row.folded.find(name), 0)]
    above = rows[row.index - 1].folded[-20:] if row.index else ""
    return bool(_OWNER.search(before) or _OWNER.match(name) or _OWNER.search(above))


def _has_legal_form(folded: str) -> bool:
    # After a figure it is a unit, not a company: '10 kg', '2 ag' are quantities.
    return any(
        not _FIGURE_BEFORE.search(folded[: match.start()]) for match in _LEGAL_FORM.finditer(folded)
    )


def _under_label(rows: Sequence[Row], row: Row, kind: Kind) -> float:
    """1 when the row is in a block headed by a label of `kind` (up to four lines above)."""
    for above in reversed(rows[max(0, row.index - 4) : row.index]):
        if above.line.page != row.line.page:
            break
        if any(label.kind is kind for label in above.labels):
            return 1.0 if _overlaps(above, row) else 0.0
    return 0.0


def _overlaps(above: Row, row: Row) -> bool:
    a, b = above.line, row.line
    return a.boxes[0].left <= b.boxes[-1].right and b.boxes[0].left <= a.boxes[-1].right
