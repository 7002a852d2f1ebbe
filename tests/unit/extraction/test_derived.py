"""Sums a page implies without printing them, and the evidence beside the labels: what the
learned reader adds to the printed amounts (`app.extraction.learned.derived`)."""

from __future__ import annotations

from decimal import Decimal

from app.extraction.layout import page_from_text
from app.extraction.learned.candidates import Candidate
from app.extraction.learned.derived import DATE_FEATURES, DERIVED_FEATURES, MAX_SUMS
from app.extraction.learned.reader import prepare
from training.train import _names


def _amounts(text: str) -> list[Candidate]:
    return prepare([page_from_text(text)]).amounts


def _amount(text: str, value: str) -> Candidate:
    found = [c for c in _amounts(text) if c.value == Decimal(value)]
    assert found, f"no candidate {value}"
    return found[-1]


TILL = """SHOP LTD
Bread                      2.40
Cheese                     5.60
Wine                      12.00
TOTAL EUR                 20.00

VAT          Net        Tax
A 20%      10.00       2.00
B 5.5%      5.69       0.31
Thank you"""


def test_a_column_of_amounts_gives_its_sum_as_a_candidate() -> None:
    taxes = _amount(TILL, "2.31")

    assert taxes.features["derived"] == 1.0
    assert taxes.features["derived:column"] == 1.0
    assert taxes.features["derived:terms"] == 2 / 6
    assert taxes.features["sum_header:tax"] == 1.0
    assert _amount(TILL, "15.69").features["sum_header:net"] == 1.0


def test_a_sum_that_is_printed_is_no_new_candidate() -> None:
    # The three items add up to the printed total: the total stays the printed one.
    totals = [c for c in _amounts(TILL) if c.value == Decimal("20.00")]

    assert [c.features.get("derived", 0.0) for c in totals] == [0.0]


def test_amounts_under_one_label_word_give_their_sum() -> None:
    text = """RISTORANTE SRL
Pasta                 9.00
Acqua                 3.05
TOTALE EUR           12.05
IVA inclusa 10%       0.82
Netto                 8.18
IVA inclusa 22%       0.55
Netto                 2.50"""

    taxes = _amount(text, "1.37")

    assert taxes.features["derived:label"] == 1.0
    assert taxes.features["sum_left:tax"] == 1.0
    assert _amount(text, "10.68").features["sum_left:net"] == 1.0


def test_a_value_that_makes_up_the_total_with_another_is_a_complement() -> None:
    # Tax 2.31 (a sum) and net 15.69 (a sum) add up to 18.00, the largest amount.
    text = TILL.replace("20.00", "18.00").replace("12.00", "10.00")

    assert _amount(text, "2.31").features["complement"] == 1.0
    assert _amount(text, "15.69").features["complement"] == 1.0
    assert "complement" not in _amount(text, "5.60").features


def test_what_is_left_after_a_deduction_is_a_remainder() -> None:
    text = "Total           1 200,00 €\nAcompte versé   -400,00 €\nReste à payer     800,00 €"

    assert _amount(text, "800.00").features["remainder"] == 1.0
    assert "remainder" not in _amount(text, "1200.00").features


def test_a_quantity_with_its_unit_says_so() -> None:
    text = """FUEL STATION
Diesel
  42.37 l x 1.79 EUR/l            75.80
Pump 4 reading              123456.78
TOTAL EUR                         75.80"""

    assert _amount(text, "42.37").features["unit_after"] == 1.0
    assert _amount(text, "42.37").features["times_after"] == 1.0
    assert _amount(text, "1.79").features["per_unit"] == 1.0
    assert _amount(text, "1.79").features["times_before"] == 1.0
    assert _amount(text, "123456.78").features["meter_before"] == 1.0
    assert "unit_after" not in _amount(text, "75.80").features


def test_meter_readings_in_kwh_are_quantities() -> None:
    assert _amount("Consumption: 1.234,50 kWh\nTotal 99,00", "1234.50").features["unit_after"]


def test_sums_are_capped() -> None:
    # Many short columns side by side: at most MAX_SUMS sums, whatever the page.
    rows = ["  ".join(f"{row + col}.{col:02d}" for col in range(20)) for row in range(1, 40)]
    sums = [c for c in _amounts("\n".join(rows)) if c.features.get("derived")]

    assert 0 < len(sums) <= MAX_SUMS


def test_the_model_is_trained_on_the_new_features() -> None:
    assert set(DERIVED_FEATURES) <= set(_names("total"))
    assert not set(DERIVED_FEATURES) & set(_names("supplier"))
    assert not set(DERIVED_FEATURES) & set(_names("date"))
    assert set(DATE_FEATURES) <= set(_names("date"))


def test_a_date_followed_by_a_clock_time_says_so() -> None:
    text = "SHOP\nCommande du 02/09/2024\nDate : 19/09/24 14:35\nTotal 12,00"
    dates = {str(c.value): c for c in prepare([page_from_text(text)]).dates}

    assert dates["2024-09-19"].features["time_after"] == 1.0
    assert "time_after" not in dates["2024-09-02"].features


def test_a_name_that_starts_with_a_payer_label_says_so() -> None:
    text = "RICEVUTA\nRicevuto da: Energia Testa SA\nRistorazione Bianchini SA\nVia Roma 1"
    read = prepare([page_from_text(text)])
    names = {str(c.value): c.features for c in read.suppliers}

    payer = next(f for name, f in names.items() if name.startswith("Ricevuto da"))
    assert payer["s:payer_in_name"] == 1.0
    assert "s:payer_in_name" not in names["Ristorazione Bianchini SA"]


def test_what_is_printed_under_a_deduction_says_so() -> None:
    text = "Total           1 200,00 €\nAcompte versé   -400,00 €\nReste à payer     800,00 €"

    assert _amount(text, "800.00").features["after_deduction"] == 1.0
    assert "after_deduction" not in _amount(text, "1200.00").features


def test_a_complement_of_a_labelled_total_counts_when_the_largest_is_a_misread() -> None:
    # "4 109,24" is a quantity run into a price: the largest amount, and no total. The
    # tax 60,25 and the net 519,72 still make up the total printed under its label.
    text = (
        "Billet       4 109,24    436,96\n"
        "Net HT                   519,72\n"
        "TVA                       60,25\n"
        "Total                    579,97 EUR"
    )

    assert _amount(text, "60.25").features["complement"] == 1.0


def test_a_name_over_its_vat_id_says_so() -> None:
    text = (
        "RICEVUTA\nRicevuto da: Energia Testa SA\nDescrizione: Pomodori\n"
        "Ristorazione Bianchini SA\nVia Verdi 97\n6900 Lugano\nP. IVA CHE-785606533"
    )
    names = {str(c.value): c.features for c in prepare([page_from_text(text)]).suppliers}

    assert names["Ristorazione Bianchini SA"]["s:id_below"] == 1.0
    assert not names["RICEVUTA"]["s:id_below"]
