"""Whatever text OCR or a PDF produces, parsing returns JSON-ready fields and never fails."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.extraction.fields import FIELD_NAMES, read_fields
from app.extraction.layout import page_from_text

_PIECES = st.sampled_from(
    ["Total", "TTC", "TVA 20%", "MwSt.", "BTW", "€", "$", "EUR", "Date:", "due", "n°", "#",
     "12,50", "1.234,56", "1,234.56", "03/04/2024", "7. Mai 2014", "-", "  ", "\n", "GmbH",
     "Bill to", "Invoice No", "0,00", "%", ":", "01.05.14-31.05.14", "Rs", "£3"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40))
def test_any_text_gives_json_ready_fields(pieces: list[str]) -> None:
    fields = read_fields([page_from_text(" ".join(pieces))])
    assert set(FIELD_NAMES) <= set(fields)
    assert set(fields["confidence"]) == set(FIELD_NAMES)
    assert all(0 <= value <= 1 for value in fields["confidence"].values())
    json.dumps(fields)


def test_folding_keeps_one_character_per_character_for_any_text() -> None:
    from app.extraction.fields.text import fold

    text = "Fällig\u00a0am\u2013Straße «Ÿ» ÉTÉ\t1"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("fallig am-")
