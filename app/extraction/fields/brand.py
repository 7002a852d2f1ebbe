"""The trading name: the brand a document is issued under, when the legal entity printed
on it is another name ('Flipkart' for 'WS Retail Services Pvt. Ltd.', 'OYO' for 'Oravel
Stays Pvt. Ltd.').

A practice's supplier list holds the names its clients know and search for: the brand
on the receipt, which also stays the same when the brand sells through several legal
entities. A brand is trusted only when the document names it twice in its own voice:
as its web or e-mail domain, and as a word of its own outside item lines (a product
line names the brands of the goods sold, not the seller's) and outside the customer's
block (an invoice often prints the customer's e-mail address).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from app.extraction.fields.document import Row
from app.extraction.fields.labels import Kind, Label, find_labels

_TLD = r"(?:com|net|org|eu|fr|de|nl|be|lu|ch|at|it|es|pl|uk|in|io|co|shop|store|online|app)"
# 'contactus@oyorooms.com', 'www.flipkart.com/support', a bare 'Flipkart.com'; the group
# is the registered name, the label right before the top-level domain.
_ADDRESS = re.compile(
    rf"(?<![\w.-])(?:https?://)?(?:[\w.+-]+@)?(?:[a-z0-9-]+\.)*?([a-z0-9-]{{2,}})"
    rf"\.(?:co\.)?{_TLD}(?![a-z0-9-])",
    re.IGNORECASE,
)
# A quick test for rows worth the full pattern: most rows hold no address at all.
_HINT = re.compile(rf"[a-z0-9]\.(?:co\.)?{_TLD}(?![a-z0-9-])")
_WORD = re.compile(r"[^\W\d_][\w&-]*")
# Domains of intermediaries: mail providers, payment services, social networks and
# public bodies print their addresses on documents they did not issue.
_INTERMEDIARIES = frozenset(
    {
        *("gmail", "googlemail", "hotmail", "outlook", "live", "yahoo", "icloud", "aol"),
        *("gmx", "web", "wanadoo", "laposte"),
        *("paypal", "stripe", "sumup", "mollie", "adyen", "klarna", "zettle", "square"),
        *("facebook", "instagram", "twitter", "linkedin", "youtube", "tiktok", "pinterest"),
        *("gov", "gouv", "service-public", "impots", "europa", "belastingdienst", "elster"),
    }
)
# Credits of the software that wrote the document: 'Powered by TCPDF (www.tcpdf.org)'.
_CREDIT = re.compile(
    r"powered by|generated (?:by|with)|created (?:by|with)|made with|propulse par|genere par"
    r"|erstellt (?:mit|durch)|gemaakt met"
)
# The issuer's help desk, not the customer: 'Customer care: support@shop.in'.
_SUPPORT = re.compile(r"(?:customer|client|kunden|klanten) ?(?:care|service|support)")
# Words that start many domains without being a brand: 'Tel' and 'telekom.de'.
_COMMON = frozenset(
    {"tel", "fax", "mob", "web", "www", "mail", "info", "contact", "service", "support", "shop"}
)


def trading_name(rows: Sequence[Row], legal_name: str | None) -> str | None:
    """The brand to report instead of `legal_name`, or None to keep it."""
    domains = _own_domains(rows)
    if not domains:
        return None
    if legal_name is not None and _shares_word(legal_name, domains):
        return None  # 'Coolblue B.V.' on coolblue.nl: the legal name is the brand
    printed: Counter[str] = Counter()
    in_prose = set()
    for row in rows:
        text = _ADDRESS.sub(" ", row.text) if _HINT.search(row.folded) else row.text
        for word in _WORD.findall(text):
            if _names(word, domains) and not _not_own(rows, row):
                printed[word] += 1
                if not row.amounts:
                    in_prose.add(word.casefold())
    spelled = [word for word, _ in printed.most_common() if word.casefold() in in_prose]
    if not spelled:
        return None
    brand = spelled[0]
    if legal_name is not None and brand.casefold() in legal_name.casefold():
        return None
    return brand


def _own_domains(rows: Sequence[Row]) -> set[str]:
    return {
        match.group(1)
        for row in rows
        if _HINT.search(row.folded) and not _not_own(rows, row)
        for match in _ADDRESS.finditer(row.folded)
        if match.group(1) not in _INTERMEDIARIES
    }


def _names(word: str, domains: set[str]) -> bool:
    """'Flipkart' names flipkart.com; an acronym 'OYO' names oyorooms.com."""
    folded = word.casefold()
    if folded not in domains and not (
        word.isupper()
        and any(domain.startswith(folded) and len(domain) - len(folded) >= 3 for domain in domains)
    ):
        return False
    return len(folded) >= 3 and folded not in _COMMON and not find_labels(folded)


def _shares_word(name: str, domains: set[str]) -> bool:
    return any(
        len(word) >= 3 and any(word in domain for domain in domains)
        for word in (w.casefold() for w in _WORD.findall(name))
    )


def _not_own(rows: Sequence[Row], row: Row) -> bool:
    """The row speaks for someone else: a software credit, or a row of the customer's
    block (the nearest labelled row, itself or one of the four above, is headed by a
    customer label: 'Bill to', 'Billing address')."""
    if _CREDIT.search(row.folded):
        return True
    for above in reversed(rows[max(0, row.index - 4) : row.index + 1]):
        if above.line.page != row.line.page:
            return False
        if above.labels:
            return any(_heads(above, label) for label in above.labels)
    return False


def _heads(row: Row, label: Label) -> bool:
    """A customer label that heads a block: first on its line, or followed by a colon,
    another label or nothing ('Customer care:' is the issuer's help desk)."""
    if label.kind is not Kind.BUYER or _SUPPORT.match(row.folded, label.start):
        return False
    after = row.folded[label.end :].lstrip()
    return (
        label.start == 0
        or not after
        or after.startswith(":")
        or any(other.start == len(row.folded) - len(after) for other in row.labels)
    )
