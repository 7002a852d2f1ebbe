"""Numbers, money and dates as each country prints them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from training.locales import COUNTRIES, Style, format_date


def style(
    code: str,
    language: str,
    number: str,
    placement: str,
    negative: str = "leading",
    date: str = "dd.mm.yyyy",
) -> Style:
    country = next(c for c in COUNTRIES if c.code == code and c.language == language)
    return Style(country, number, date, placement, negative)


@pytest.mark.parametrize(
    ("printer", "value", "expected"),
    [
        (style("DE", "de", "1.234,56", "after"), "1234.5", "1.234,50 €"),
        (style("FR", "fr", "1 234,56", "after"), "1234567.891", "1 234 567,89 €"),
        (style("FR", "fr", "1234,56", "code"), "1234.5", "1234,50 EUR"),
        (style("GB", "en", "1,234.56", "before"), "1234.5", "£1,234.50"),
        (style("US", "en", "1,234.56", "before", "parens"), "-1234.5", "($1,234.50)"),
        (style("CH", "de", "1'234.56", "code"), "98765.4", "98'765.40 CHF"),
        (style("DE", "de", "1.234,56", "code", "trailing"), "-12.3", "12,30- EUR"),
        (style("NL", "nl", "1.234,56", "before"), "-999", "€ -999,00"),
        (style("IT", "it", "1.234,56", "before"), "0.5", "€ 0,50"),
    ],
)
def test_money(printer: Style, value: str, expected: str) -> None:
    assert printer.money(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("style_name", "language", "expected"),
    [
        ("dd.mm.yyyy", "de", "01.03.2026"),
        ("d. month yyyy", "de", "1. März 2026"),
        ("d month yyyy", "fr", "1er mars 2026"),
        ("dd/mm/yyyy", "fr", "01/03/2026"),
        ("mm/dd/yyyy", "en", "03/01/2026"),
        ("month d, yyyy", "en", "March 1, 2026"),
        ("dd-mm-yyyy", "nl", "01-03-2026"),
        ("d month yyyy", "nl", "1 maart 2026"),
        ("d de month de yyyy", "es", "1 de marzo de 2026"),
        ("d month yyyy", "it", "1 marzo 2026"),
    ],
)
def test_dates(style_name: str, language: str, expected: str) -> None:
    assert format_date(dt.date(2026, 3, 1), style_name, language) == expected


def test_rates_follow_the_decimal_mark() -> None:
    assert style("DE", "de", "1.234,56", "after").rate(Decimal("5.5")) == "5,5 %"
    assert style("CH", "fr", "1'234.56", "code").rate(Decimal("8.1")) == "8.1 %"
