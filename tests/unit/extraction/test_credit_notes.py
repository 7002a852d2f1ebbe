"""Credit notes reduce the books: their total and tax are reported negative."""

from typing import Any

import pytest

from app.extraction.fields import read_fields
from app.extraction.layout import page_from_text


def fields(text: str) -> dict[str, Any]:
    return read_fields([page_from_text(text)])


@pytest.mark.parametrize(
    ("title", "total", "tax"),
    [
        ("AVOIR N° A-2024-0003", "120,00 €", "20,00 €"),
        ("Credit note no. A-2024-0003", "-120,00 €", "-20,00 €"),
        ("Gutschrift Nr. A-2024-0003", "120,00 €", "20,00 €"),
        ("Creditnota A-2024-0003", "€ -120,00", "€ -20,00"),
        ("Nota di credito n. A-2024-0003", "120,00 €", "20,00 €"),
        ("Factura rectificativa nº A-2024-0003", "120,00 €", "20,00 €"),
        ("Nota de abono nº A-2024-0003", "120,00 €", "20,00 €"),
        ("Stornorechnung Nr. A-2024-0003", "120,00 €", "20,00 €"),
    ],
)
def test_a_credit_note_has_a_negative_total_and_tax(title: str, total: str, tax: str) -> None:
    result = fields(
        f"""
        Atelier Moreau SAS                       {title}
        Date : 14/03/2024
        Client : Café du Port
        Retour marchandise                       {total}
        Total HT                                 100,00 €
        TVA 20 %                                 {tax}
        Total TTC                                {total}
        """
    )
    assert (result["total"], result["tax"]) == ("-120.00", "-20.00")
    assert (result["supplier"], result["invoice_number"]) == ("Atelier Moreau SAS", "A-2024-0003")


def test_an_invoice_that_mentions_avoir_in_its_text_stays_positive() -> None:
    result = fields(
        """
        Atelier Moreau SAS                       Facture n° F-2024-0009
        Date : 14/03/2024
        Pour avoir accès à votre espace client, rendez-vous sur notre site.
        Total HT                                 100,00 €
        TVA 20 %                                  20,00 €
        Total TTC                                120,00 €
        """
    )
    assert (result["total"], result["tax"]) == ("120.00", "20.00")


def test_a_zero_tax_credit_note_keeps_a_plain_zero() -> None:
    result = fields(
        """
        Fenwick & Hale Ltd              CREDIT NOTE
        Credit note no. CN-118          Date: 02/05/2024
        Subtotal                        £40.00
        VAT 0%                          £0.00
        Total                           £40.00
        """
    )
    assert (result["total"], result["tax"]) == ("-40.00", "0.00")
