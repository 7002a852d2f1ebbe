from decimal import Decimal

import pytest

from app.extraction.fields.amounts import find_amounts, money, parse_amount
from app.extraction.fields.text import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1'234.50", "1234.50"),
        ("12,5", "12.5"),
        ("4.11", "4.11"),
        ("2.321", "2321"),
        ("1939", "1939"),
        ("3.441.812", "3441812"),
    ],
)
def test_parse_amount_reads_either_decimal_separator(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1.234.56", "12345678901", ""])
def test_parse_amount_refuses_what_is_not_an_amount(text: str) -> None:
    assert parse_amount(text) is None


def amounts(text: str) -> list[tuple[str, str | None]]:
    return [(str(a.value), a.currency) for a in find_amounts(fold(text))]


def test_amounts_carry_the_currency_printed_next_to_them() -> None:
    assert amounts("Totaal € 4.904,94") == [("4904.94", "EUR")]
    assert amounts("Total TTC : 56,02 €") == [("56.02", "EUR")]
    assert amounts("Grand Total Rs 1939") == [("1939", "INR")]
    assert amounts("Total EUR 34,73") == [("34.73", "EUR")]
    assert amounts("TOTAL £12.00") == [("12.00", "GBP")]


def test_a_symbol_belongs_to_the_amount_it_precedes() -> None:
    assert amounts("Tax 15% on $ 112.90 $ 16.94") == [("112.90", "USD"), ("16.94", "USD")]


def test_percentages_ids_and_phone_numbers_are_not_amounts() -> None:
    assert amounts("TVA 20% : 9,34 €") == [("9.34", "EUR")]
    assert amounts("BTW 21 %") == []
    assert amounts("Tel 01 71 17 61 67") == []
    assert amounts("Account 296664039561") == []
    assert amounts("Ref CA6707/10") == []


def test_integers_need_a_currency_to_count_as_money() -> None:
    assert amounts("Qty 12 Pack 6") == []
    assert amounts("Total 12 EUR") == [("12", "EUR")]


def test_a_quantity_before_a_price_is_not_a_thousands_group() -> None:
    assert amounts("Total 1 278.61 40.39 319.00") == [
        ("278.61", None),
        ("40.39", None),
        ("319.00", None),
    ]


def test_negative_amounts_keep_their_sign() -> None:
    assert amounts("Discount Rs -40.00") == [("-40.00", "INR")]


def test_money_always_has_two_decimals() -> None:
    assert money(Decimal("1939")) == "1939.00"
    assert money(Decimal("12.5")) == "12.50"


def test_an_amount_glued_to_its_label_by_ocr_is_still_read() -> None:
    assert amounts("Rechnungsbetrag6 865,23 €") == [("6865.23", "EUR")]
    assert amounts("TOTAL12.50") == [("12.50", None)]


def test_cents_without_their_leading_zero_are_read() -> None:
    assert amounts("Change RM .45") == [("0.45", "MYR")]
    assert amounts("Tax .85") == [("0.85", None)]
    assert amounts("Ref v.01  No.05") == []


def test_a_price_per_litre_with_three_decimals_is_not_a_thousand() -> None:
    found = find_amounts(fold("67,73 l x 1,936 EUR/l    131,13"))

    assert [str(a.value) for a in found] == ["67.73", "1.936", "131.13"]
    assert [str(a.value) for a in find_amounts(fold("Total 1,936 EUR"))] == ["1936"]
