"""Supplier and invoice-number candidates and their features (the learned reader)."""

from __future__ import annotations

from app.extraction.layout import page_from_text
from app.extraction.learned.candidates import Candidate
from app.extraction.learned.numbers import NUMBER_FEATURES
from app.extraction.learned.parties import SUPPLIER_FEATURES
from app.extraction.learned.reader import prepare


def _supplier(text: str, name: str) -> Candidate:
    found = [c for c in prepare([page_from_text(text)]).suppliers if c.value == name]
    assert found, f"no supplier candidate {name!r}"
    return found[0]


def _number(text: str, token: str) -> Candidate:
    found = [c for c in prepare([page_from_text(text)]).numbers if c.value == token]
    assert found, f"no number candidate {token!r}"
    return found[0]


_INVOICE = """Nordlicht Software GmbH
Hafenstrasse 12, 20457 Hamburg
Rechnung an:
Kunden AG
Bahnhofstrasse 3
Geschäftsführer: Anna Schmidt
Rechnungsnummer: RE-2024-0117   Datum: 12.03.2024
Summe 119,00 EUR
Nordlicht Software GmbH · USt-IdNr. DE123456789 · IBAN DE02120300000000202051
"""


def test_a_letterhead_name_with_legal_form_and_footer_evidence() -> None:
    candidate = _supplier(_INVOICE, "Nordlicht Software GmbH")

    assert candidate.features["s:legal_form"] == 1.0
    assert candidate.features["s:first_rows"] == 1.0
    assert candidate.features["s:footer"] == 1.0
    assert candidate.features["s:mentions"] > 0
    assert candidate.features["s:pick"] == 1.0


def test_the_addressee_block_is_marked_as_the_buyer() -> None:
    # 'Rechnung an' is no buyer label of the rules: the learned features know it.
    candidate = _supplier(_INVOICE, "Kunden AG")

    assert candidate.features["s:buyer_near"] == 1.0
    assert candidate.features["s:first_rows"] == 0.0


def test_a_person_after_a_role_has_a_person_shape() -> None:
    candidate = _supplier(_INVOICE, "Anna Schmidt")

    assert candidate.features["s:person_shape"] == 1.0
    assert candidate.features["s:person_word"] == 1.0
    assert candidate.features["s:legal_form"] == 0.0


def test_labels_and_software_names_have_their_shape() -> None:
    text = "Rechnungsersteller\nCreated with Lexware\nNordlicht GmbH\nSumme 10,00 EUR"

    assert _supplier(text, "Rechnungsersteller").features["s:label_word"] == 1.0
    assert _supplier(text, "Created with Lexware").features["s:software"] == 1.0


def test_a_sender_after_from_is_marked() -> None:
    candidate = _supplier("Invoice\nFrom: Harbour Tools Ltd\nTotal 10.00 GBP", "Harbour Tools Ltd")

    assert candidate.features["s:from"] == 1.0


def test_the_token_after_a_number_label_and_its_shape() -> None:
    candidate = _number(_INVOICE, "RE-2024-0117")

    assert candidate.features["n:inline0"] == 1.0
    assert candidate.features["n:separators"] == 1.0
    assert candidate.features["n:date"] == 0.0
    assert candidate.features["n:pick"] == 1.0


def test_a_number_under_its_column_header() -> None:
    text = "Acme Ltd\nInvoice No      Date\nINV-889         03/04/2024\nTotal 10.00 GBP"

    assert _number(text, "INV-889").features["n:column"] == 1.0


def test_a_date_or_a_phone_after_a_number_label_is_marked() -> None:
    assert _number("Invoice no 12.03.2024", "12.03.2024").features["n:date"] == 1.0
    assert _number("Invoice number: +49 40 1234567", "49").features["n:short"] == 1.0


def test_every_feature_of_a_candidate_is_named() -> None:
    read = prepare([page_from_text(_INVOICE)])

    for candidate in read.suppliers:
        assert set(candidate.features) <= set(SUPPLIER_FEATURES)
    for candidate in read.numbers:
        assert set(candidate.features) <= set(NUMBER_FEATURES)


def test_supplier_candidates_are_bounded() -> None:
    text = "\n".join(f"Firma {n} GmbH" for n in range(2000))

    assert len(prepare([page_from_text(text)]).suppliers) <= 151
