"""The invoice or receipt number: the token printed after (or under) its label."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.extraction.fields.dates import find_dates
from app.extraction.fields.document import COLUMN_DISCOUNT, Row, column_values
from app.extraction.fields.labels import Kind
from app.extraction.fields.text import fold

_TOKEN_RE = re.compile(
    r"(?:\s|[:.,#]|n°|no\.?(?!\w)|nr\.?(?!\w))*(?P<token>[a-z0-9][a-z0-9/_.\-]*[a-z0-9]|\d)",
)


@dataclass(frozen=True, slots=True)
class Number:
    value: str | None
    confidence: float


def read_number(rows: Sequence[Row]) -> Number:
    best: tuple[float, int, str] | None = None
    for row in rows:
        for label in row.labels:
            if label.kind is not Kind.NUMBER:
                continue
            token = _token_at(row.text, row.folded, label.end)
            score = label.weight
            if token is None:
                score *= COLUMN_DISCOUNT
                token = next(
                    (t for _, text in column_values(rows, row, label) if (t := _first(text))),
                    None,
                )
            if token is not None and (best is None or score > best[0]):
                best = (score, row.index, token)
    if best is None:
        return Number(None, 0.0)
    return Number(best[2], round(min(0.9, 0.3 + 0.2 * best[0]), 2))


def _token_at(text: str, folded: str, offset: int) -> str | None:
    match = _TOKEN_RE.match(folded, offset)
    if not match:
        return None
    token = text[match.start("token") : match.end("token")]
    return token if _plausible(token) else None


def _first(phrase: str) -> str | None:
    return _token_at(phrase, fold(phrase), 0)


def _plausible(token: str) -> bool:
    if len(token) < 3 and not token.isdigit():
        return False
    if not any(char.isdigit() for char in token):
        return False
    return not find_dates(fold(token))
