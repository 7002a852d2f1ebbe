"""The console's languages: English (the words of the rules as Dossier writes them) and
French (the seed article's). The English sentence is the key of its translation, so a rule's
sentence reaches the page exactly as the API gives it, translated on the way; sentences
with numbers or dates in them are translated by their stable reason code instead.

Dates and amounts are written by babel in the reader's locale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import UnknownCurrencyError, format_currency, format_decimal
from markupsafe import Markup

from app.console.catalogue_fr import FRENCH, FRENCH_BY_CODE

LANGUAGES = {"en": "en_GB", "fr": "fr_FR"}
DEFAULT = "en"
CATALOGUES: dict[str, dict[str, str]] = {"en": {}, "fr": FRENCH}
BY_CODE: dict[str, dict[str, str]] = {"en": {}, "fr": FRENCH_BY_CODE}


def negotiate(chosen: str | None, accept_language: str | None) -> str:
    """The language chosen with the switch, else the first of Accept-Language we speak."""
    if chosen in LANGUAGES:
        return chosen
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        ranked.append((weight, tag.split("-")[0].lower()))
    for _, language in sorted(ranked, key=lambda item: -item[0]):
        if language in LANGUAGES:
            return language
    return DEFAULT


@dataclass(frozen=True, slots=True)
class Translator:
    language: str

    @property
    def locale(self) -> str:
        return LANGUAGES[self.language]

    def __call__(self, text: str, **values: Any) -> str:
        translated = CATALOGUES[self.language].get(text, text)
        return translated.format(**values) if values else translated

    def has(self, text: str) -> bool:
        return self.language == DEFAULT or text in CATALOGUES[self.language]

    def sentence(self, code: str | None, english: str | None, **values: Any) -> str | None:
        """A sentence a service wrote (a refusal, a reason, a job's message): its own
        translation, else the one of its code, else the English words."""
        if english is None:
            return None
        if self.language == DEFAULT or english in CATALOGUES[self.language]:
            return self(english)
        template = BY_CODE[self.language].get(code or "")
        if template is None:
            return english
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return english

    @property
    def tag(self) -> str:
        """The locale as a BCP 47 tag, for the browser's Intl (en-GB, fr-FR)."""
        return self.locale.replace("_", "-")

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return ""
        # The server knows no reader's time zone: in UTC, and it says so.
        written = format_datetime(value, format="medium", locale=self.locale, tzinfo=UTC)
        return f"{written} UTC"

    def time(self, value: datetime | None) -> Markup:
        """An instant as a `<time>` element: written in UTC here, rewritten in the
        reader's time zone by the page's script, the UTC one kept as its title."""
        if value is None:
            return Markup("")
        written = self.moment(value)
        instant = value.astimezone(UTC).isoformat()
        return Markup('<time datetime="{}" title="{}">{}</time>').format(instant, written, written)

    def day(self, value: datetime | str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            try:
                return self.day(datetime.fromisoformat(value))
            except ValueError:
                return value
        return format_date(value, format="medium", locale=self.locale)

    def amount(self, value: Any, currency: str | None = None) -> str:
        """An extracted amount in the reader's way of writing money."""
        if value is None:
            return ""
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if currency:
            try:
                return format_currency(number, currency, locale=self.locale)
            except UnknownCurrencyError:
                pass
        return format_decimal(number, format="#,##0.00", locale=self.locale)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def language_name(self, language: str) -> str:
        name = Locale.parse(LANGUAGES[language]).get_language_name(LANGUAGES[language])
        return (name or language).capitalize()
