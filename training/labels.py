"""The words invoices print beside their fields, with the synonyms real producers use.

Each document draws one synonym per label (`Labels.get`), so the same family shows
`Rechnungsdatum` on one page and `Belegdatum` on the next. Sentences take `{date}`,
`{number}` or `{days}` placeholders.
"""

from __future__ import annotations

import random

from training.vocab import de, en, es, fr, it, nl

Vocabulary = dict[str, tuple[str, ...]]


VOCABULARIES: dict[str, Vocabulary] = {
    "en": en.WORDS,
    "fr": fr.WORDS,
    "de": de.WORDS,
    "nl": nl.WORDS,
    "es": es.WORDS,
    "it": it.WORDS,
}


class Labels:
    """One document's choice of words: a synonym is drawn on first use and then kept."""

    def __init__(self, language: str, rng: random.Random) -> None:
        self._vocabulary = VOCABULARIES[language]
        self._rng = rng
        self._chosen: dict[str, str] = {}

    def get(self, key: str, **values: str) -> str:
        if key not in self._chosen:
            self._chosen[key] = self._rng.choice(self._vocabulary[key])
        text = self._chosen[key]
        return text.format(**values) if values else text
