"""Supplier names on till receipts of the kind printed in Malaysia and elsewhere: company
numbers after the name, a legal form wrapped onto its own line, streets and countries,
the owner of a shop, a receipt low in its picture. The receipts are invented."""

from typing import Any

import pytest

from app.extraction.fields import read_fields
from app.extraction.layout import Box, Page, group_lines, page_from_text


def fields(text: str) -> dict[str, Any]:
    return read_fields([page_from_text(text)])


def test_a_till_receipt_with_gst_included_and_cash_rounding() -> None:
    result = fields(
        """
        KEDAI RUNCIT SERI MAJU
        SDN BHD (765432-K)
        12 JALAN MELATI 3, TAMAN BUNGA
        43000 KAJANG
        Date: 14/02/2019
        Roti canai   2 x 1.50       3.00
        Teh tarik    1 x 2.37       2.37
        Total incl. GST@6%          5.37
        Rounding                    0.03
        Rounded total               RM 5.40
        GST @6% included in total   RM 0.30
        Cash                        RM 10.00
        Change                      RM 4.60
        """
    )
    assert result["supplier"] == "KEDAI RUNCIT SERI MAJU SDN BHD"
    assert (result["date"], result["currency"]) == ("2019-02-14", "MYR")
    assert (result["total"], result["tax"]) == ("5.40", "0.30")


@pytest.mark.parametrize(
    ("header", "supplier"),
    [
        ("KEDAI BUKU ANGSANA SDN. BHD. (1234567-P)", "KEDAI BUKU ANGSANA SDN. BHD."),
        ("ANGSANA TRADING S/B (CO. NO: 98765-T)", "ANGSANA TRADING S/B"),
        ("ANGSANA CAKE HOUSE SDN BHD 862000-U", "ANGSANA CAKE HOUSE SDN BHD"),
        ("KEDAI KAIN MELATI SDN BHD (CO\nNO. 55667-T)", "KEDAI KAIN MELATI SDN BHD"),
    ],
)
def test_the_company_number_after_a_name_is_not_part_of_it(header: str, supplier: str) -> None:
    assert fields(f"{header}\nNo. 5, Jalan Angsana 2\nTotal 9.00")["supplier"] == supplier


def test_a_street_and_a_country_are_not_the_supplier() -> None:
    result = fields(
        """
        Angsana Handicraft
        Off Jalan Cempaka
        Malaysia
        Company reg. no: 123456-A
        Yarn, red      3.00
        Yarn, blue     3.00
        Needles        2.00
        Buttons        1.00
        Subtotal       9.00
        Total          9.00
        Cash          10.00
        Change         1.00
        """
    )
    assert result["supplier"] == "Angsana Handicraft"


@pytest.mark.parametrize("street", ["Jalan Melati Indah", "Lorong Cempaka", "Taman Sri Angsana"])
def test_a_malay_street_is_not_a_name(street: str) -> None:
    assert fields(f"{street}\nTotal 5.00")["supplier"] is None


@pytest.mark.parametrize(
    "owner", ["Owned by: Angsana Supply Sdn Bhd", "Owned by:\nAngsana Supply Sdn Bhd"]
)
def test_the_company_that_owns_a_shop_is_not_the_shop(owner: str) -> None:
    result = fields(f"Angsana Stationery Shop\nNo. 5, Jalan Angsana\n{owner}\nTotal 9.00")
    assert result["supplier"] == "Angsana Stationery Shop"


def test_a_receipt_photographed_low_on_the_page_still_has_its_name_on_top() -> None:
    # The receipt's text starts two thirds down the picture.
    rows = [("WARUNG SERI ANGSANA", 1400), ("Tel 03-1234 5678", 1440), ("Total 7.50", 1480)]
    boxes = [Box(text, 100, top, 100 + 12 * len(text), top + 30) for text, top in rows]

    result = read_fields([Page(0, 900, 2000, group_lines(0, boxes))])

    assert result["supplier"] == "WARUNG SERI ANGSANA"


def test_a_name_read_without_its_spaces_is_given_them_back_from_elsewhere_on_the_page() -> None:
    result = fields(
        """
        BakkerijJansen                        FACTUUR
        Factuurnummer: 2024-7
        Brood     3,50
        Totaal    3,50
        Bakkerij Jansen - KvK 12345678 - Dorpsstraat 4, Ede
        """
    )
    assert result["supplier"] == "Bakkerij Jansen"


@pytest.mark.parametrize(
    ("header", "supplier"),
    [
        ("CEMPAKA ELECTRICAL &\nPLUMBING SUPPLY", "CEMPAKA ELECTRICAL & PLUMBING SUPPLY"),
        (
            "THE ROTI HOUSE\n& KOPI CORNER (M) SDN. BHD.",
            "THE ROTI HOUSE & KOPI CORNER (M) SDN. BHD.",
        ),
    ],
)
def test_a_name_broken_at_its_ampersand_is_read_whole(header: str, supplier: str) -> None:
    text = f"{header}\nNo. 8, Jalan Kenanga 4\nCOMPANY NO. 123456-H\nTotal 12.00"
    assert fields(text)["supplier"] == supplier


def test_a_street_word_inside_a_registered_name_does_not_make_it_an_address() -> None:
    result = fields("BRN : 765432-U\nPARK LANE BAKERY SDN BHD\n33 Jalan Kenanga 1\nTotal 6.00")
    assert result["supplier"] == "PARK LANE BAKERY SDN BHD"
