"""Currency symbols, codes and words, and the document's currency (ISO 4217)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from app.extraction.fields.text import starting_with

# Symbol or word (folded: lower case, no accents) -> ISO code. '$' alone means USD
# unless the document names another dollar (see `document_currency`).
MARKERS: dict[str, str] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "us dollars": "USD",
    "dollars": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "cad": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "aud": "AUD",
    "nzd": "NZD",
    "£": "GBP",
    "gbp": "GBP",
    "chf": "CHF",
    "₹": "INR",
    "inr": "INR",
    "rs": "INR",
    "rs.": "INR",
    "pln": "PLN",
    "zł": "PLN",
    "zl": "PLN",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "czk": "CZK",
    "huf": "HUF",
    "jpy": "JPY",
    "¥": "JPY",
    "cny": "CNY",
    "tnd": "TND",
    "xof": "XOF",
    "rm": "MYR",  # the ringgit's symbol
    "myr": "MYR",
}

_WORDY = sorted(MARKERS, key=len, reverse=True)
# A marker as a whole word (symbols need no word boundary).
MARKER_PATTERN = "|".join(
    re.escape(marker) if not marker[-1].isalpha() else rf"{re.escape(marker)}(?![a-z])"
    for marker in _WORDY
)
_MARKER_RE = re.compile(rf"(?<![a-z]){starting_with(MARKER_PATTERN)}(?:{MARKER_PATTERN})")
_OTHER_DOLLARS = {"CAD", "AUD", "NZD"}
# Tax words that only appear on invoices from the euro area; a weak hint when no
# currency is printed at all.
_EURO_TAX_WORDS = re.compile(r"(?<![a-z])(?:tva|mwst|btw|ust|iva|ttc|u\.st)(?![a-z])")


def code_of(marker: str) -> str | None:
    return MARKERS.get(marker.strip().lower())


def markers_in(folded: str) -> list[str]:
    """ISO codes of every currency marker in a folded line."""
    found = [MARKERS[match.group(0)] for match in _MARKER_RE.finditer(folded)]
    return [code for code in found if code]


def document_currency(
    folded_lines: Iterable[str], total_marker: str | None
) -> tuple[str | None, float]:
    """The currency and a confidence: the total's own marker first, then the majority."""
    counts: Counter[str] = Counter()
    euro_hint = False
    for line in folded_lines:
        counts.update(markers_in(line))
        euro_hint = euro_hint or bool(_EURO_TAX_WORDS.search(line))
    dollars = next((code for code in _OTHER_DOLLARS if counts[code]), None)
    if total_marker is not None:
        code = dollars if total_marker == "USD" and dollars else total_marker
        return code, 0.95
    if counts:
        code, hits = counts.most_common(1)[0]
        if code == "USD" and dollars:
            code = dollars
        share = hits / sum(counts.values())
        return code, round(0.5 + 0.4 * share, 2)
    if euro_hint:
        return "EUR", 0.4
    return None, 0.0
