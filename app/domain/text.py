"""Text Dossier accepts from outside (names, e-mail addresses, reasons): printable, and no
longer than the column that keeps it. A NUL character is refused by PostgreSQL and a lone
surrogate cannot be encoded: left to the database, each is a server error, not a 422."""

from __future__ import annotations

import unicodedata

# Control characters (NUL, tab, newline, ESC ...) and surrogates, which encode to nothing.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})


class TextError(ValueError):
    """The text cannot be kept; the message says why."""


def checked(value: str, *, max_length: int, what: str = "The text") -> str:
    """`value` stripped of surrounding spaces, or TextError."""
    value = value.strip()
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in value):
        raise TextError(f"{what} contains a control character; use printable text only.")
    if not value:
        raise TextError(f"{what} is empty.")
    if len(value) > max_length:
        raise TextError(f"{what} is longer than {max_length} characters.")
    return value


def checked_email(value: str) -> str:
    """The address as Dossier keeps it (lower case), within its 320-character column."""
    # Lower-casing can lengthen a string ('İ' becomes two characters): check afterwards.
    email = checked(value, max_length=320, what="The e-mail address").lower()
    email = checked(email, max_length=320, what="The e-mail address")
    local, _, domain = email.rpartition("@")
    if not local or not domain or any(char.isspace() for char in email):
        raise TextError("Give a valid e-mail address, such as name@example.com.")
    return email
