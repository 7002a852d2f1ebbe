"""Totals on till receipts of the kind printed in Malaysia and elsewhere in the
Commonwealth: GST-inclusive totals, cash rounding, the ringgit. The receipts are invented."""

from typing import Any

import pytest

from app.extraction.fields import read_fields
from app.extraction.fields.currency import markers_in
from app.extraction.fields.labels import Kind, find_labels
from app.extraction.fields.text import fold
from app.extraction.layout import page_from_text


def fields(text: str) -> dict[str, Any]:
    return read_fields([page_from_text(text)])


def first_label(text: str) -> tuple[Kind, str]:
    folded = fold(text)
    label = find_labels(folded)[0]
    return label.kind, folded[label.start : label.end]


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("Total incl of GST 10.50", Kind.TOTAL, "total incl of gst"),
        ("TOTAL SALES (INCLUSIVE OF GST) : 21.20", Kind.TOTAL, "total sales (inclusive of gst)"),
        ("TOTAL RM INC.GST: 6.35", Kind.TOTAL, "total rm inc.gst"),
        ("Total EUR incl. of VAT 8.15", Kind.TOTAL, "total eur incl. of vat"),
        ("Total (GST incl) 9.99", Kind.TOTAL, "total (gst incl)"),
        ("TOTAL DUE (VAT INC): 18.40", Kind.TOTAL, "total due (vat inc)"),
        ("Tax total: 9.00", Kind.TAX, "tax total"),
        ("DUE 5.40", Kind.TOTAL, "due"),
        ("Total (excluding GST): 20.00", Kind.SUBTOTAL, "total (excluding gst)"),
        ("Sales excl GST 20.00", Kind.SUBTOTAL, "excl gst"),
        ("GST @ 6% included in total 1.20", Kind.TAX, "gst @ 6% included in total"),
        ("Total item(s): 7", Kind.IGNORE, "total item(s)"),
        ("Total qty: 3", Kind.IGNORE, "total qty"),
        ("Company reg. no: 123456-A", Kind.IGNORE, "company reg. no"),
    ],
)
def test_gst_totals_counts_and_company_numbers_are_told_apart(
    text: str, kind: Kind, words: str
) -> None:
    assert first_label(text) == (kind, words)


def test_a_total_including_gst_is_the_total_not_the_tax() -> None:
    result = fields(
        """
        Kedai Contoh
        Total sales (excluding GST) :   20.00
        Total GST :                      1.20
        Total sales (inclusive of GST) : 21.20
        Total qty: 3                    21.20
        Total :                20.00     1.20
        """
    )
    assert (result["total"], result["tax"]) == ("21.20", "1.20")


@pytest.mark.parametrize(
    ("rounding", "printed", "total"),
    [("-0.02", "12.30", "12.30"), ("0.03", "12.35", "12.35"), ("1.68", "14.00", "12.32")],
)
def test_cash_rounding_of_a_few_cents_moves_the_total_to_the_rounded_one_below(
    rounding: str, printed: str, total: str
) -> None:
    result = fields(
        f"""
        Toko Contoh
        Total incl. GST   12.32
        Rounding adj      {rounding}
        Total             {printed}
        Cash              20.00
        """
    )
    assert result["total"] == total


def test_rm_is_the_ringgit_as_a_word_of_its_own() -> None:
    assert markers_in(fold("Total RM 5.40  Tax (RM)")) == ["MYR", "MYR"]
    assert markers_in(fold("FIRM 5.40")) == []
    assert fields("Kedai Contoh\nTotal  RM 5.40")["currency"] == "MYR"


def test_due_alone_is_the_amount_due_but_change_due_is_not() -> None:
    result = fields(
        """
        Bakeri Contoh
        Item A   3   1.80   5.40
        Due              5.40
        Pay             10.00
        Change due       4.60
        """
    )
    assert result["total"] == "5.40"


def test_a_tax_total_is_the_tax_not_the_total() -> None:
    result = fields(
        """
        Kedai Contoh
        Paint    3    53.00   159.00
        GST                     9.00
        Total                 159.00
        Cash                  159.00
        Tax total:              9.00
        """
    )
    assert (result["total"], result["tax"]) == ("159.00", "9.00")


@pytest.mark.parametrize(
    ("adjustment", "rounded"),
    [
        ("Rounding adjustment RM .02", "Rounding RM 52.20"),
        ("Rounding adj 0.02", "Total after adj incl. GST 52.20"),
        ("Rnd adj 0.02", "Ttl aft rnd 52.20"),
        ("Rounding adj 0.02", "52.20"),
    ],
)
def test_the_rounded_total_below_a_rounding_need_not_be_labelled_a_total(
    adjustment: str, rounded: str
) -> None:
    result = fields(
        f"""
        Kedai Contoh
        Total sales (inclusive GST) RM 52.18
        {adjustment}
        {rounded}
        Cash RM 50.00
        """
    )
    assert result["total"] == "52.20"
