from app.extraction.fields.currency import document_currency, markers_in
from app.extraction.fields.text import fold


def test_symbols_codes_and_words() -> None:
    assert markers_in(fold("€ 12,00 and 3 EUR, 4 euros")) == ["EUR", "EUR", "EUR"]
    assert markers_in(fold("Rs 1939 / ₹ 20 / INR")) == ["INR", "INR", "INR"]
    assert markers_in(fold("CHF 10 £ 5 12 zł")) == ["CHF", "GBP", "PLN"]


def test_codes_inside_words_do_not_count() -> None:
    assert markers_in(fold("Europe, chfoo, Mrs Smith")) == []


def test_the_totals_own_currency_decides() -> None:
    assert document_currency(["total 12 usd", "fee 3 eur"], "USD") == ("USD", 0.95)


def test_a_dollar_sign_is_canadian_on_a_canadian_invoice() -> None:
    code, _ = document_currency([fold("Total $ 12.00"), fold("All prices in CAD")], "USD")
    assert code == "CAD"


def test_the_majority_decides_without_a_marked_total() -> None:
    code, confidence = document_currency([fold("€ 1"), fold("€ 2"), fold("$ 3")], None)
    assert code == "EUR"
    assert 0.5 < confidence < 0.95


def test_european_tax_words_hint_at_the_euro_when_nothing_is_printed() -> None:
    assert document_currency([fold("Total TTC 12,00"), fold("TVA 2,00")], None) == ("EUR", 0.4)
    assert document_currency([fold("Total 12.00")], None) == (None, 0.0)
