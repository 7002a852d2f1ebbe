"""How each country writes numbers, dates and money on an invoice.

A *language* (en, fr, de, nl, es, it) is printed by several countries that differ in
currency and number format (de: Germany, Austria, Switzerland; fr: France, Belgium,
Switzerland; en: United Kingdom, Ireland, United States), so a document draws its
country first and takes every format from it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
        "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
        "August", "September", "Oktober", "November", "Dezember",
    ),
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni", "juli",
        "augustus", "september", "oktober", "november", "december",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    "it": (
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
        "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ),
}  # fmt: skip

# Thousands separator and decimal mark, by the name of their look.
NUMBER_STYLES: dict[str, tuple[str, str]] = {
    "1.234,56": (".", ","),
    "1 234,56": (" ", ","),
    "1,234.56": (",", "."),
    "1'234.56": ("'", "."),
    "1234,56": ("", ","),
    "1234.56": ("", "."),
}

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


@dataclass(frozen=True)
class Country:
    code: str
    language: str
    name: str
    currency: str
    number_styles: tuple[str, ...]
    date_styles: tuple[str, ...]
    # Where the money sign goes: "before" (€ 12,00), "after" (12,00 €), "code" (12,00 EUR).
    currency_placements: tuple[str, ...]
    vat_rates: tuple[str, ...]
    legal_forms: tuple[str, ...]
    vat_prefix: str
    phone_prefix: str
    # How a negative amount is printed: -1.234,56 (leading), 1.234,56- (trailing, German
    # ERPs), (1,234.56) (parens, English accounting).
    negatives: tuple[str, ...] = ("leading",)


COUNTRIES: tuple[Country, ...] = (
    Country("GB", "en", "United Kingdom", "GBP", ("1,234.56",), ("dd/mm/yyyy", "d month yyyy"),
            ("before",), ("20", "5"), ("Ltd", "Limited", "LLP", "plc"), "GB", "+44",
            ("leading", "parens")),
    Country("IE", "en", "Ireland", "EUR", ("1,234.56",), ("dd/mm/yyyy", "d month yyyy"),
            ("before", "code"), ("23", "13.5"), ("Ltd", "Limited", "DAC"), "IE", "+353"),
    Country("US", "en", "United States", "USD", ("1,234.56",), ("mm/dd/yyyy", "month d, yyyy"),
            ("before",), ("8.25", "7"), ("Inc.", "LLC", "Corp."), "US", "+1",
            ("leading", "parens")),
    Country("FR", "fr", "France", "EUR", ("1 234,56", "1234,56"),
            ("dd/mm/yyyy", "d month yyyy", "dd.mm.yyyy"), ("after", "code"),
            ("20", "10", "5.5"), ("SARL", "SAS", "SA", "EURL"), "FR", "+33"),
    Country("BE", "fr", "Belgique", "EUR", ("1.234,56", "1 234,56"), ("dd/mm/yyyy", "d month yyyy"),
            ("after", "before"), ("21", "6"), ("SRL", "SA", "SC"), "BE", "+32"),
    Country("CH", "fr", "Suisse", "CHF", ("1'234.56",), ("dd.mm.yyyy", "d month yyyy"),
            ("code",), ("8.1", "2.6"), ("Sàrl", "SA"), "CHE-", "+41"),
    Country("DE", "de", "Deutschland", "EUR", ("1.234,56",),
            ("dd.mm.yyyy", "d. month yyyy", "dd.mm.yy"), ("after", "code"),
            ("19", "7"), ("GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "UG (haftungsbeschränkt)"),
            "DE", "+49", ("leading", "trailing")),
    Country("AT", "de", "Österreich", "EUR", ("1.234,56", "1 234,56"), ("dd.mm.yyyy",),
            ("before", "after"), ("20", "10"), ("GmbH", "AG", "OG", "KG"), "ATU", "+43",
            ("leading", "trailing")),
    Country("CH", "de", "Schweiz", "CHF", ("1'234.56",), ("dd.mm.yyyy", "d. month yyyy"),
            ("code",), ("8.1", "2.6"), ("AG", "GmbH"), "CHE-", "+41"),
    Country("NL", "nl", "Nederland", "EUR", ("1.234,56",), ("dd-mm-yyyy", "d month yyyy"),
            ("before",), ("21", "9"), ("B.V.", "N.V.", "V.O.F."), "NL", "+31"),
    Country("BE", "nl", "België", "EUR", ("1.234,56",), ("dd/mm/yyyy", "d month yyyy"),
            ("before", "after"), ("21", "6"), ("BV", "NV", "CV"), "BE", "+32"),
    Country("ES", "es", "España", "EUR", ("1.234,56",), ("dd/mm/yyyy", "d de month de yyyy"),
            ("after",), ("21", "10"), ("S.L.", "S.A.", "S.L.U."), "ES", "+34"),
    Country("IT", "it", "Italia", "EUR", ("1.234,56",), ("dd/mm/yyyy", "d month yyyy"),
            ("after", "before", "code"), ("22", "10"), ("S.r.l.", "S.p.A.", "S.n.c.", "S.a.s."),
            "IT", "+39"),
    Country("CH", "it", "Svizzera", "CHF", ("1'234.56",), ("dd.mm.yyyy",),
            ("code",), ("8.1", "2.6"), ("SA", "Sagl"), "CHE-", "+41"),
)  # fmt: skip


@dataclass(frozen=True)
class Style:
    """The formats one document uses throughout, drawn once from its country."""

    country: Country
    number_style: str
    date_style: str
    placement: str
    negative: str = "leading"

    @property
    def language(self) -> str:
        return self.country.language

    def number(self, value: Decimal, places: int = 2) -> str:
        group, mark = NUMBER_STYLES[self.number_style]
        sign = "-" if value < 0 else ""
        whole, cents = f"{abs(value):.{places}f}".split(".")
        parts: list[str] = []
        while len(whole) > 3:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        parts.insert(0, whole)
        text = f"{group.join(parts)}{mark}{cents}"
        if not sign or self.negative == "leading":
            return sign + text
        return f"{text}-" if self.negative == "trailing" else f"({text})"

    def money(self, value: Decimal) -> str:
        if value < 0 and self.negative == "parens":
            return f"({self.money(-value)})"
        code = self.country.currency
        text = self.number(value)
        if self.placement == "code" or code == "CHF":
            return f"{text} {code}" if self.language != "en" else f"{code} {text}"
        symbol = CURRENCY_SYMBOLS[code]
        if self.placement == "before":
            return f"{symbol}{text}" if self.language == "en" else f"{symbol} {text}"
        return f"{text} {symbol}"

    def date(self, day: dt.date) -> str:
        return format_date(day, self.date_style, self.language)

    def rate(self, rate: Decimal) -> str:
        text = f"{rate.normalize():f}"
        return (text if self.number_style.endswith(".56") else text.replace(".", ",")) + " %"


def format_date(day: dt.date, style: str, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    return {
        "dd.mm.yyyy": f"{day:%d.%m.%Y}",
        "dd.mm.yy": f"{day:%d.%m.%y}",
        "dd/mm/yyyy": f"{day:%d/%m/%Y}",
        "mm/dd/yyyy": f"{day:%m/%d/%Y}",
        "dd-mm-yyyy": f"{day:%d-%m-%Y}",
        "yyyy-mm-dd": day.isoformat(),
        "d month yyyy": f"{day.day}{'er' if language == 'fr' and day.day == 1 else ''} {month} "
        f"{day.year}",
        "d. month yyyy": f"{day.day}. {month} {day.year}",
        "month d, yyyy": f"{month} {day.day}, {day.year}",
        "d de month de yyyy": f"{day.day} de {month} de {day.year}",
    }[style]


def countries_for(language: str) -> tuple[Country, ...]:
    return tuple(country for country in COUNTRIES if country.language == language)


def draw_style(rng: random.Random, language: str) -> Style:
    country = rng.choice(countries_for(language))
    return Style(
        country=country,
        number_style=rng.choice(country.number_styles),
        date_style=rng.choice(country.date_styles),
        placement=rng.choice(country.currency_placements),
        negative=rng.choice(country.negatives),
    )
