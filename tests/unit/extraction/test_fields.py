"""Field parsing over whole documents, given as plain text (columns = runs of spaces)."""

from typing import Any

from app.extraction.fields import FIELD_NAMES, read_fields
from app.extraction.layout import page_from_text


def fields(text: str) -> dict[str, Any]:
    return read_fields([page_from_text(text)])


def test_a_french_invoice() -> None:
    result = fields(
        """
        Plomberie Dubois SAS
        4 avenue Jean Jaurès, 31000 Toulouse
        Facture n° 2024-118                      Date d'émission : 3 février 2024
        Date d'échéance : 4 mars 2024
        Client : Mme Leroy
        Remplacement chauffe-eau            1      820,00 €
        Main d'œuvre                        3       55,00 €
        Total HT                                   985,00 €
        TVA 10 %                                    98,50 €
        Total TTC                                1 083,50 €
        Plomberie Dubois SAS au capital de 8 000 € - RCS Toulouse 812 345 678
        """
    )
    assert {key: result[key] for key in FIELD_NAMES} == {
        "supplier": "Plomberie Dubois SAS",
        "date": "2024-02-03",
        "total": "1083.50",
        "tax": "98.50",
        "currency": "EUR",
        "invoice_number": "2024-118",
    }


def test_a_german_invoice_with_a_due_date_first() -> None:
    result = fields(
        """
        Fällig am 30.04.2024
        Schreinerei Vogel GmbH
        Rechnungsnummer: RE-5531
        Rechnungsdatum: 31.03.2024
        Nettobetrag       200,00 EUR
        MwSt. 19 %         38,00 EUR
        Gesamtbetrag      238,00 EUR
        """
    )
    assert result["date"] == "2024-03-31"
    assert (result["total"], result["tax"], result["currency"]) == ("238.00", "38.00", "EUR")
    assert result["invoice_number"] == "RE-5531"
    assert result["supplier"] == "Schreinerei Vogel GmbH"


def test_a_dutch_receipt() -> None:
    result = fields(
        """
        Bakkerij de Vries B.V.
        Kassabon
        Datum: 12 januari 2024
        Brood                 3,20
        Krentenbollen         4,15
        Totaal            €   7,35
        BTW 9%            €   0,61
        """
    )
    assert (result["date"], result["total"], result["tax"]) == ("2024-01-12", "7.35", "0.61")
    assert result["currency"] == "EUR"
    assert result["supplier"] == "Bakkerij de Vries B.V."


def test_an_american_invoice_reads_month_first() -> None:
    result = fields(
        """
        Acme Tools Inc.
        Invoice # 10-2291
        Invoice Date: 04/05/2024
        Due Date: 05/05/2024
        Subtotal    $ 90.00
        Sales Tax   $  7.20
        Amount Due  $ 97.20
        """
    )
    assert result["date"] == "2024-04-05"
    assert (result["total"], result["tax"], result["currency"]) == ("97.20", "7.20", "USD")
    assert result["invoice_number"] == "10-2291"


def test_subtotal_plus_tax_picks_the_total_among_several_totals() -> None:
    result = fields(
        """
        Total articles         3
        Total                 15,00 €
        Sous-total HT         50,00 €
        TVA 20 %              10,00 €
        Total TTC             60,00 €
        """
    )
    assert (result["total"], result["tax"]) == ("60.00", "10.00")
    assert result["confidence"]["total"] > 0.9


def test_tax_is_derived_from_subtotal_and_total_when_not_printed() -> None:
    result = fields("Total HT   100,00 €\nTotal TTC  120,00 €\n")
    assert (result["total"], result["tax"]) == ("120.00", "20.00")
    assert result["confidence"]["tax"] < result["confidence"]["total"]


def test_a_receipt_without_any_total_label_falls_back_to_the_largest_sum() -> None:
    result = fields("Coffee  € 2,50\nCake  € 3,90\n  € 6,40\n")
    assert result["total"] == "6.40"
    assert result["confidence"]["total"] < 0.5


def test_a_column_header_names_the_values_under_it() -> None:
    result = fields(
        """
        Invoice Date        Invoice No
        2024-02-01          A-77
        Net       VAT     Total
        10.00     2.00    12.00
        """
    )
    assert (result["date"], result["invoice_number"]) == ("2024-02-01", "A-77")
    assert (result["total"], result["tax"]) == ("12.00", "2.00")


def test_a_buyer_block_is_not_the_supplier() -> None:
    result = fields(
        """
        Bill to:
        Globex Corporation Ltd
        Sold by: Initech Ltd
        Total  $ 5.00
        """
    )
    assert result["supplier"] == "Initech Ltd"


def test_nothing_found_is_null_with_zero_confidence() -> None:
    result = fields("Total: 12\n")
    assert {key: result[key] for key in FIELD_NAMES} == dict.fromkeys(FIELD_NAMES)
    assert set(result["confidence"]) == set(FIELD_NAMES)
    assert result["confidence"]["total"] == 0.0


def test_tax_lines_of_several_rates_add_up() -> None:
    result = fields(
        """
        Total HT        60,01 €
        TVA 5,5%         3,13 €
        TVA 20%          0,61 €
        Net à payer     63,75 €
        """
    )
    assert (result["total"], result["tax"]) == ("63.75", "3.74")


def test_an_ocr_glued_rate_still_names_the_tax() -> None:
    result = fields("Subtotal 10.00\nVAT20% 2.00\nTotal 12.00\n")
    assert result["tax"] == "2.00"


def test_addresses_and_reference_numbers_are_not_suppliers() -> None:
    result = fields(
        """
        Dorpsstraat 88
        PO Number: po_123
        Hauptstraße 5
        Totaal  € 5,00
        """
    )
    assert result["supplier"] is None


def test_a_lone_label_names_the_lone_value_on_the_next_line() -> None:
    result = fields(
        """
        Librairie du Centre
        Date d'achat
                                   12/06/2024
        Commandé le 01/06/2024
        Montant à payer
                                   23,40 €
        """
    )
    assert (result["date"], result["total"]) == ("2024-06-12", "23.40")
    assert result["confidence"]["total"] > 0.5


def test_common_ocr_slips_around_labels() -> None:
    result = fields(
        """
        0rder date 11/25/2023
        Bon-Nr, 72943
        Datum: 1, November 2023
        Summe 4,85 EUR
        """
    )
    assert (result["date"], result["invoice_number"]) == ("2023-11-01", "72943")


def test_a_quantity_in_kilograms_is_no_company() -> None:
    # 'KG' is a German legal form, but after a figure it is a unit.
    found = fields(
        "Metro Cash Carry\nReceipt 2024-11-06\nButter 10 kg    89.90\nTOTAL EUR    89.90\n"
    )
    assert found["supplier"] == "Metro Cash Carry"
    assert found["total"] == "89.90"


def test_a_footer_line_separator_is_no_part_of_the_name() -> None:
    from app.extraction.fields.supplier import _clean

    assert _clean("Isembard Energy plc \u00b7") == "Isembard Energy plc"
