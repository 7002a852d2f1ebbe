"""The learned reader: its model file, and the fields it adds to the rules' reading."""

from __future__ import annotations

from app.extraction.layout import page_from_text
from app.extraction.learned.model import MODEL_PATH, FieldModel, Model, load_model, parse_model
from app.extraction.learned.reader import AMOUNT_FIELDS, DATE_FIELDS, TEXT_FIELDS, read_learned

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
    assert set(load_model().fields) == {*AMOUNT_FIELDS, *DATE_FIELDS, *TEXT_FIELDS}


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


_PERSON_FIRST = """Anna Schmidt
Nordlicht Software GmbH
Hafenstrasse 12, 20457 Hamburg
Summe 119,00 EUR
"""


def _one_field(name: str, weights: dict[str, float]) -> Model:
    """The committed model with the field `name` scored by `weights` alone."""
    field = FieldModel(weights, intercept=-3.0, threshold=0.2)
    return Model({**load_model().fields, name: field}, "test")


def test_the_learned_supplier_overrules_the_rules_when_it_scores_and_their_pick_does_not() -> None:
    page = page_from_text(_PERSON_FIRST)
    legal = _one_field("supplier", {"s:legal_form": 6.0})
    person = _one_field("supplier", {"s:person_shape": 6.0})
    nothing = _one_field("supplier", {})

    assert read_learned([page], legal)["supplier"] == "Nordlicht Software GmbH"
    assert read_learned([page], person)["supplier"] == "Anna Schmidt"
    # No candidate at even odds: the rules' answer stands.
    assert read_learned([page], nothing)["supplier"] == read_learned([page], legal)["supplier"]


def test_a_model_without_the_text_fields_leaves_them_to_the_rules() -> None:
    committed = load_model().fields
    older = Model({k: v for k, v in committed.items() if k not in TEXT_FIELDS}, "older")
    fields = read_learned([page_from_text(_INVOICE)], older)

    assert fields["supplier"] == "Acme Consulting GmbH"
    assert fields["invoice_number"] == "RE-2025-017"


def test_the_learned_number_is_the_best_scored_token_after_a_number_label() -> None:
    page = page_from_text("Acme Ltd\nCustomer no 4711\nInvoice no INV-0815\nTotal 10.00 GBP")
    model = _one_field("invoice_number", {"n:separators": 6.0})

    assert read_learned([page], model)["invoice_number"] == "INV-0815"
