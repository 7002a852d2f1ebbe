import datetime as dt

import pytest

from app.extraction.fields.dates import find_dates
from app.extraction.fields.text import fold


def dates(text: str, month_first: bool = False) -> list[dt.date | None]:
    return [match.when(month_first) for match in find_dates(fold(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date : 28/11/2022", dt.date(2022, 11, 28)),
        ("8-9-2022", dt.date(2022, 9, 8)),
        ("Datum 05.03.24", dt.date(2024, 3, 5)),
        ("Data wystawienia: 2021-01-01", dt.date(2021, 1, 1)),
        ("Invoice Date: August 3 , 2014", dt.date(2014, 8, 3)),
        ("Jan 1, 2022", dt.date(2022, 1, 1)),
        ("15th March 2024", dt.date(2024, 3, 15)),
        ("du 02 Juillet 2015", dt.date(2015, 7, 2)),
        ("le 1er février 2024", dt.date(2024, 2, 1)),
        ("5 déc. 2023", dt.date(2023, 12, 5)),
        ("Rechnungsdatum 7. Mai 2014", dt.date(2014, 5, 7)),
        ("12. März 2023", dt.date(2023, 3, 12)),
        ("Factuurdatum: 19 april 2014", dt.date(2014, 4, 19)),
        ("29 maart 2014", dt.date(2014, 3, 29)),
        ("3 mei 2021", dt.date(2021, 5, 3)),
        ("12-Jan-24", dt.date(2024, 1, 12)),
        ("07/SEP/2019 18:40:02", dt.date(2019, 9, 7)),
    ],
)
def test_dates_in_numeric_and_written_forms(text: str, expected: dt.date) -> None:
    assert dates(text) == [expected]


def test_an_ambiguous_numeric_date_follows_the_document_order() -> None:
    assert dates("03/04/2024", month_first=False) == [dt.date(2024, 4, 3)]
    assert dates("03/04/2024", month_first=True) == [dt.date(2024, 3, 4)]


def test_an_impossible_day_settles_the_order() -> None:
    assert dates("03/20/2023", month_first=False) == [dt.date(2023, 3, 20)]
    assert dates("20/03/2023", month_first=True) == [dt.date(2023, 3, 20)]
    (match,) = find_dates(fold("03/20/2023"))
    assert match.order_hint is True


def test_both_ends_of_a_period_are_marked() -> None:
    found = find_dates(fold("01.05.14-31.05.14"))
    assert [m.when(False) for m in found] == [dt.date(2014, 5, 1), dt.date(2014, 5, 31)]
    assert all(m.in_range for m in found)
    (end,) = find_dates(fold("July 1 - July 31, 2014"))
    assert end.in_range


def test_numbers_that_are_not_dates_are_ignored() -> None:
    assert dates("Tel 01 71 17 61 67") == []
    assert dates("45/13/2022") == []
    assert dates("12/03/1850") == []
    assert dates("Ref 2022089083") == []
