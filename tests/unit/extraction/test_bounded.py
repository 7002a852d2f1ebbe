"""Hostile inputs stay within the caps of docs/extraction.md ("Bounded work").

The bounds are asserted as counts (rows, characters, candidates); the timeouts are far
above what the work takes (well under 2 s each) and far below what it took before the
caps (minutes), so they catch a return of work that grows faster than the text.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from app.domain.filetypes import PDF, TEXT
from app.extraction.engine import MAX_PAGES, InvoiceEngine, _read_pdf
from app.extraction.fields.document import MAX_ROWS, MAX_VALUES_PER_LINE, read_rows
from app.extraction.fields.labels import find_labels
from app.extraction.layout import MAX_LINE_CHARS, page_from_text
from app.extraction.learned.candidates import MAX_CANDIDATES
from app.extraction.learned.derived import MAX_SUMS
from app.extraction.learned.reader import prepare
from tests.unit.extraction.samples import long_invoice_pdf, many_numbers, total_flood


@pytest.mark.timeout(30)
def test_overlapping_labels_on_a_huge_line_are_resolved_in_linear_time() -> None:
    # GIVEN 80,000 'total' labels on one line (quadratic overlap: 181 s)
    labels = find_labels(total_flood().decode().lower())

    # THEN each one is kept once, none overlapping
    assert len(labels) == 80_000
    assert all(a.end <= b.start for a, b in pairwise(labels))


@pytest.mark.timeout(30)
def test_a_flood_of_total_labels_is_read_up_to_the_line_cap() -> None:
    page = page_from_text(total_flood().decode())

    rows = read_rows([page])

    assert len(rows) == 1
    assert len(rows[0].folded) == MAX_LINE_CHARS
    fields = InvoiceEngine().extract(total_flood(), TEXT).fields
    assert fields["total"] is None


@pytest.mark.timeout(30)
def test_a_page_of_twenty_thousand_numbers_gives_at_most_the_candidate_cap() -> None:
    page = page_from_text(many_numbers(20_000).decode())

    prepared = prepare([page])

    assert all(len(row.amounts) <= MAX_VALUES_PER_LINE for row in read_rows([page]))
    printed = [c for c in prepared.amounts if not c.features.get("derived")]
    assert len(printed) == MAX_CANDIDATES
    assert len(prepared.amounts) <= MAX_CANDIDATES + MAX_SUMS
    assert InvoiceEngine().extract(many_numbers(20_000), TEXT).fields["total"] is not None


@pytest.mark.timeout(60)
def test_a_fifty_page_text_pdf_is_read_within_the_row_cap() -> None:
    data = long_invoice_pdf(MAX_PAGES)

    pages, source = _read_pdf(data)
    result = InvoiceEngine().extract(data, PDF)

    assert source == "text-layer"
    assert len(pages) == MAX_PAGES
    assert len(read_rows(pages)) <= MAX_ROWS
    assert len(prepare(pages).amounts) <= MAX_CANDIDATES + MAX_SUMS
    assert result.fields["total"] == "1234.56"


def test_rows_beyond_the_cap_are_not_read() -> None:
    page = page_from_text("Total 1,00\n" * (MAX_ROWS + 500))

    assert len(read_rows([page, page])) == MAX_ROWS
