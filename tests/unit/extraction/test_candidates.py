"""Candidates and their features: what the learned reader's model weighs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.extraction.layout import page_from_text
from app.extraction.learned.candidates import (
    _VAT_RATES,
    Candidate,
    _arithmetic,
    _near_cents,
    feature_names,
)
from app.extraction.learned.derived import DATE_FEATURES, DERIVED_FEATURES
from app.extraction.learned.lexicon import groups_in
from app.extraction.learned.reader import prepare


def _amount(text: str, value: str) -> Candidate:
    found = [c for c in prepare([page_from_text(text)]).amounts if c.value == Decimal(value)]
    assert found, f"no candidate {value}"
    return found[-1]


def _date(text: str, value: dt.date) -> Candidate:
    found = [c for c in prepare([page_from_text(text)]).dates if c.value == value]
    assert found, f"no candidate {value}"
    return found[0]


def test_label_words_are_known_in_six_languages() -> None:
    assert "total" in groups_in("totale fattura")
    assert "total" in groups_in("importe total")
    assert "net" in groups_in("base imponible")
    assert "net" in groups_in("imponibile")
    assert "tax" in groups_in("iva 21 %")
    assert "prepaid" in groups_in("acompte deja verse")
    assert "prepaid" in groups_in("bereits bezahlt")
    assert "due" in groups_in("restbetrag")
    assert "due_date" in groups_in("scadenza")
    assert "issue_date" in groups_in("fecha de factura")
    other_producers = {
        "abrechnungszeitraum": "other_date",
        "gebucht am": "other_date",
        "ablesedatum": "other_date",
        "der betrag wird per lastschrift eingezogen": "due_date",
        "vorschuss erhalten am": "prepaid",
        "valeur marchandise": "net",
        "zu zahlender betrag": "due",
        "date d'expedition": "other_date",
        "fecha expedicion": "issue_date",  # Spanish: the issue date, not a dispatch
    }
    for words, group in other_producers.items():
        assert group in groups_in(words), words


def test_a_label_left_of_an_amount_is_a_feature() -> None:
    candidate = _amount("Acme SARL\nTotal TTC      120,00 €", "120.00")

    assert candidate.features["left:total"] == 1.0
    assert candidate.features["currency"] == 1.0
    assert candidate.features["rule:total"] == 1.0


def test_a_column_header_above_an_amount_is_a_feature() -> None:
    text = "Acme Ltd\n\nNet        VAT       Gross\n100.00     20.00     120.00"

    assert _amount(text, "120.00").features.get("header:total") == 1.0
    assert _amount(text, "100.00").features.get("header:net") == 1.0
    assert _amount(text, "20.00").features.get("header:tax") == 1.0


def test_amounts_that_add_up_at_a_vat_rate_say_so() -> None:
    text = "Subtotal   100.00\nVAT 20 %    20.00\nTotal      120.00"

    assert _amount(text, "120.00").features["is_gross"] == 1.0
    assert _amount(text, "100.00").features["is_net"] == 1.0
    assert _amount(text, "20.00").features["is_tax"] == 1.0
    assert _amount(text, "120.00").features["largest"] == 1.0


def test_the_rules_pick_is_one_feature_among_others() -> None:
    text = "Subtotal   100.00\nVAT 20 %    20.00\nTotal      120.00"

    assert _amount(text, "120.00").features.get("pick:total") == 1.0
    assert "pick:total" not in _amount(text, "100.00").features


def test_a_prepayment_label_marks_its_amount() -> None:
    text = "Total TTC        1 200,00 €\nAcompte versé     -400,00 €\nReste à payer     800,00 €"

    assert _amount(text, "-400.00").features["left:prepaid"] == 1.0
    assert _amount(text, "800.00").features["left:due"] == 1.0


def test_dates_carry_their_label_and_their_place_among_the_dates() -> None:
    text = "Fecha de factura: 03/02/2025\nFecha de vencimiento: 05/03/2025"

    issued = _date(text, dt.date(2025, 2, 3))
    due = _date(text, dt.date(2025, 3, 5))

    assert issued.features["left:issue_date"] == 1.0
    assert issued.features["earliest"] == 1.0
    assert issued.features["first"] == 1.0
    assert due.features["latest"] == 1.0
    assert due.features["after_earliest"] > 0


def test_every_feature_a_candidate_carries_has_a_name_in_the_model_order() -> None:
    text = (
        "Rechnung\nRechnungsdatum 01.02.2025\nNetto 100,00 EUR\nMwSt 19 % 19,00 EUR\n"
        "Gesamtbetrag 119,00 EUR\nFällig am 15.02.2025"
    )
    prepared = prepare([page_from_text(text)])
    names = set(feature_names()) | set(DERIVED_FEATURES) | set(DATE_FEATURES)

    for candidate in [*prepared.amounts, *prepared.dates]:
        assert set(candidate.features) <= names


def test_a_column_header_is_found_through_the_rows_of_a_table() -> None:
    text = (
        "Acme Ltd\n\n"
        "Rate       Net        VAT      Gross\n"
        "20 %    100.00      20.00     120.00\n"
        "10 %     50.00       5.00      55.00\n"
        "Total   150.00      25.00     175.00"
    )

    assert _amount(text, "150.00").features.get("header:net") == 1.0
    assert _amount(text, "25.00").features.get("header:tax") == 1.0
    assert _amount(text, "175.00").features.get("header:total") == 1.0


def test_a_generic_date_word_beside_another_dates_word_is_not_an_issue_label() -> None:
    page = page_from_text("Date du voyage : 25/11/2025\nÉmise le 17/10/2025\nTotal 12,00 €")
    features = {str(c.value): set(c.features) for c in prepare([page]).dates}

    assert {"left:other_date", "left:date_word"} <= features["2025-11-25"]
    assert "left:issue_date" not in features["2025-11-25"]
    assert "left:issue_date" in features["2025-10-17"]


def _exact_arithmetic(value: Decimal, present: set[Decimal]) -> dict[str, float]:
    """Every look-up made with decimals, as `_arithmetic` answers it (zero is no one's
    part)."""
    if not value:
        return {"is_gross": 0.0, "is_net": 0.0, "is_tax": 0.0}
    cent = Decimal("0.01")
    factors = [(1 + rate, rate) for rate in _VAT_RATES]
    return {
        "is_gross": float(any((value / g).quantize(cent) in present for g, _ in factors)),
        "is_net": float(any((value * g).quantize(cent) in present for g, _ in factors)),
        "is_tax": float(any((value / r).quantize(cent) in present for _, r in factors)),
    }


def test_the_quick_float_test_of_vat_relations_answers_as_the_exact_look_up() -> None:
    # Half-cent ties, a cent either side, an amount that is not whole cents, large sums.
    values = {Decimal(v) for v in ("100.00", "120.00", "20.00", "119.99", "120.01", "0.05")}
    values |= {Decimal(v) for v in ("0.06", "0.055", "1.055", "105.50", "5.50", "12.5")}
    values |= {Decimal(v) for v in ("999999999.99", "833333333.33", "166666666.66", "0.01")}
    values |= {Decimal("12345678901234.56"), Decimal("0")}
    near = _near_cents(values)
    assert _near_cents({Decimal("0.055")}) == set()  # no whole number of cents
    assert _near_cents({Decimal("1.5")}) == {149, 150, 151}
    for value in values:
        assert _arithmetic(value, values, near) == _exact_arithmetic(value, values), value
    assert _arithmetic(Decimal("120.00"), values, near)["is_gross"] == 1.0
