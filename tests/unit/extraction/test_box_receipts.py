"""The reader of receipts given as positioned text lines (`extraction_eval --boxes`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from benchmarks.box_receipts import (
    expected_fields,
    page_of,
    parse_lines,
    read_box_cases,
    same_supplier,
    truth_date,
    truth_total,
)

# An invented receipt: two columns on one row, a text holding commas, a broken row.
LINES = """\
40,10,380,10,380,40,40,40,KEDAI BUKU CONTOH SDN. BHD.
60,50,360,52,360,80,60,78,NO. 7, JALAN CONTOH 3, 11900 BAYAN LEPAS
20,120,140,120,140,150,20,150,TOTAL
300,118,392,118,392,152,300,152,RM 1,234.50
this row has no corners
20,170,200,170,200,200,20,200,DATE: 05-03-19
"""


def test_rows_become_boxes_around_their_corners_with_commas_kept_in_the_text() -> None:
    boxes = parse_lines(LINES)

    assert len(boxes) == 5
    address = boxes[1]
    assert address.text == "NO. 7, JALAN CONTOH 3, 11900 BAYAN LEPAS"
    assert (address.left, address.top, address.right, address.bottom) == (60, 50, 360, 80)


def test_boxes_side_by_side_make_one_line_and_the_page_spans_them() -> None:
    page = page_of(parse_lines(LINES))

    assert [line.text for line in page.lines][2] == "TOTAL RM 1,234.50"
    assert (page.width, page.height) == (392, 200)


def test_sroie_keys_map_to_the_eval_fields() -> None:
    key = {"company": "KEDAI BUKU CONTOH", "date": "05-03-19", "total": "RM 1,234.50"}

    truth = expected_fields(key, LINES)

    assert truth == {
        "issuer": "KEDAI BUKU CONTOH",
        "date": "2019-03-05",
        "amount": "1234.50",
        "currency": "MYR",
    }


@pytest.mark.parametrize(
    ("text", "currency"),
    [("TOTAL RM5.40", "MYR"), ("AMOUNT(RM)", "MYR"), ("TOTAL MYR 3.00", "MYR"), ("FIRM 3", None)],
)
def test_ringgit_is_expected_only_when_rm_or_myr_stands_as_a_word(
    text: str, currency: str | None
) -> None:
    assert expected_fields({}, text)["currency"] == currency


def test_a_currency_in_the_key_file_wins() -> None:
    assert expected_fields({"currency": "SGD"}, "RM 3.00")["currency"] == "SGD"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("25/12/2018", dt.date(2018, 12, 25)),
        ("25-12-18", dt.date(2018, 12, 25)),
        ("5.1.2017", dt.date(2017, 1, 5)),
        ("04 MAY 2018", dt.date(2018, 5, 4)),
        ("09-JAN-2017", dt.date(2017, 1, 9)),
        ("02/JAN/2017", dt.date(2017, 1, 2)),
        ("2018-12-25", None),
        ("31/02/2018", None),
        ("", None),
    ],
)
def test_truth_dates_are_read_day_first(text: str, day: dt.date | None) -> None:
    assert truth_date(text) == day


@pytest.mark.parametrize(
    ("text", "total"),
    [("RM 32.80", "32.80"), ("$6.60", "6.60"), ("-5.09", "-5.09"), ("1,050.00", "1050.00"),
     ("n/a", None), ("", None)],
)  # fmt: skip
def test_truth_totals_lose_their_currency_marks(text: str, total: str | None) -> None:
    assert truth_total(text) == total


@pytest.mark.parametrize(
    ("found", "expected", "same"),
    [
        ("Kedai Buku Contoh S/B", "KEDAI BUKU CONTOH SDN. BHD.", True),
        ("KEDAI A.B.C. (M) SDN BHD", "KEDAI A.B.C (M) SDN. BHD", True),
        ("KEDAI BUKU CONTOH SDN BHD (12345-X)", "KEDAI BUKU CONTOH SDN BHD", False),
        ("KEDAI BUKU", "KEDAI BUKU CONTOH", False),
        ("", "KEDAI BUKU CONTOH", False),
    ],
)
def test_suppliers_match_once_case_punctuation_and_legal_form_are_set_aside(
    found: str, expected: str, same: bool
) -> None:
    assert same_supplier(found, expected) is same


def test_a_directory_yields_only_complete_pairs_and_counts_unreadable_dates(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text(LINES)
    (tmp_path / "a.json").write_text(json.dumps({"company": "KEDAI", "date": "5th of May"}))
    (tmp_path / "b.csv").write_text(LINES)
    (tmp_path / "b.json").write_text(json.dumps({"company": "KEDAI", "date": "05/05/2019"}))
    (tmp_path / "lonely.txt").write_text(LINES)

    cases, unreadable = read_box_cases(tmp_path)

    assert [case.name for case in cases] == ["a", "b"]
    assert [case.truth["date"] for case in cases] == [None, "2019-05-05"]
    assert unreadable == 1
