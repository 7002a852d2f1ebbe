"""Matching text without caring about case, accents or odd spaces, offsets preserved."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_FOR_O = re.compile(r"(?<![\w.,])0(?=[a-z]{2})")
_SPACES = {"\u00a0", "\u202f", "\u2007", "\u2009", "\t"}
_DASHES = {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"}
_QUOTES = {"\u2018", "\u2019", "\u00b4", "`"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPACES:
        return " "
    if char in _DASHES:
        return "-"
    if char in _QUOTES:
        return "'"
    if char in "º˚":
        return "°"
    base = unicodedata.normalize("NFD", char)[0].lower()
    # One character in, one character out: offsets found in the folded text stay valid.
    return base if len(base) == 1 else char


class _FoldTable(dict[int, str]):
    """`str.translate`'s table, filled as characters are met (one lookup per character
    after the first time, in C)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents, one character per character ('Fällig' -> 'fallig')."""
    if text.isascii() and "\t" not in text and "`" not in text:
        folded = text.lower()  # most lines: same result, much faster
    else:
        folded = text.translate(_FOLD_TABLE)
    # OCR reads a word's first O as a zero ('0rder date'); no number starts like that.
    return _ZERO_FOR_O.sub("o", folded) if "0" in folded else folded
