"""Matching text without caring about case, accents or odd spaces, offsets preserved."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The standard library's own parser of regular expressions (what `re.compile` reads).
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

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


def starting_with(pattern: str, flags: int = 0) -> str:
    """A lookahead that lets a search try `pattern` only where its match can begin: at
    a character of the class of every first character it can match (worked out from the
    parsed pattern, compiled with `flags`), or nothing when that cannot be told (a
    negated class, a backreference, a flag, a pattern that can match nothing). Placed
    after a leading lookbehind it rules out most places at once, where the
    regular-expression engine would try every alternative in turn; what matches, and
    where, is unchanged."""
    firsts = _first_chars(_parser.parse(pattern, flags))
    if not firsts:
        return ""
    return "(?=[" + "".join(sorted(firsts)) + "])"


def _class_char(char: str) -> str:
    return "\\" + char if char in "\\]^-[ #" else char


# A category of a character class, as it is written in one (the same flags apply).
_CATEGORIES = {
    _sre.CATEGORY_DIGIT: r"\d",
    _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_WORD: r"\w",
}
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)


def _first_chars(parsed: Any) -> set[str] | None:
    """What a match of the parsed pattern can start with, as items of a character class
    (characters, escaped where needed, or categories such as \\d); None when any
    character might, or the match might be empty."""
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return None
    firsts, empty = _sequence(parsed.data)
    return None if firsts is None or empty else firsts


def _sequence(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(first characters, whether the sequence can match the empty string)."""
    found: set[str] = set()
    for op, av in items:
        firsts, empty = _item(op, av)
        if firsts is None:
            return None, False
        found |= firsts
        if not empty:
            return found, False
    return found, True


def _item(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is _sre.LITERAL:
        return {_class_char(chr(av))}, False
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(_class_char(chr(value)))
            elif kind is _sre.RANGE:
                chars.add(f"{_class_char(chr(value[0]))}-{_class_char(chr(value[1]))}")
            elif kind is _sre.CATEGORY and value in _CATEGORIES:
                chars.add(_CATEGORIES[value])
            else:  # a negation, another category: any character
                return None, False
        return chars, False
    if op is _sre.BRANCH:
        chars, empty = set(), False
        for branch in av[1]:
            firsts, can_be_empty = _sequence(branch.data)
            if firsts is None:
                return None, False
            chars |= firsts
            empty = empty or can_be_empty
        return chars, empty
    if op is _sre.SUBPATTERN:
        _, add_flags, _, inner = av
        if add_flags & (re.IGNORECASE | re.LOCALE):
            return None, False
        return _sequence(inner.data)
    if op in _REPEATS:
        least, _, inner = av
        firsts, empty = _sequence(inner.data)
        return firsts, empty or least == 0
    if op in _ZERO_WIDTH:
        return set(), True  # matches no character: the next item's come first
    return None, False  # anything else (any character, a backreference...): cannot tell
