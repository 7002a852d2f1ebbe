"""The learned reader: its model file, and the fields it adds to the rules' reading."""

from __future__ import annotations

from app.extraction.layout import page_from_text
from app.extraction.learned.model import MODEL_PATH, FieldModel, load_model, parse_model
from app.extraction.learned.reader import AMOUNT_FIELDS, DATE_FIELDS, read_learned

_INVOICE = """Acme Consulting GmbH
Musterstraße 1, 10115 Berlin

Rechnung Nr. RE-2025-017
Rechnungsdatum: 03.02.2025
Fällig am: 05.03.2025

Beratung                          1.000,00 EUR
Nettobetrag                       1.000,00 EUR
USt. 19 %                           190,00 EUR
Rechnungsbetrag                   1.190,00 EUR
"""


def test_the_committed_model_is_small_and_covers_every_field() -> None:
    assert MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    assert set(load_model().fields) == {*AMOUNT_FIELDS, *DATE_FIELDS}


def test_a_field_model_is_a_logistic_function_of_its_features() -> None:
    spec = {"features": ["a"], "weights": [2.0], "intercept": -1.0, "threshold": 0.5}
    model = parse_model({"fields": {"total": spec}})
    field: FieldModel = model.fields["total"]

    assert field.probability({}) < 0.5 < field.probability({"a": 1.0})
    assert field.probability({"unknown": 5.0}) == field.probability({})


def test_an_invoice_gives_total_net_tax_amount_due_and_both_dates() -> None:
    fields = read_learned([page_from_text(_INVOICE)])

    assert fields["total"] == "1190.00"
    assert fields["net"] == "1000.00"
    assert fields["tax"] == "190.00"
    assert fields["amount_due"] == "1190.00"
    assert fields["date"] == "2025-02-03"
    assert fields["due_date"] == "2025-03-05"
    assert 0 < fields["confidence"]["total"] <= 1


def test_a_credit_note_gives_negative_amounts() -> None:
    text = _INVOICE.replace("Rechnung Nr.", "Gutschrift Nr.")

    fields = read_learned([page_from_text(text)])

    assert fields["total"] == "-1190.00"
    assert fields["net"] == "-1000.00"
    assert fields["amount_due"] == "-1190.00"
