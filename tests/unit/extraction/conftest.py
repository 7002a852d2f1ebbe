from __future__ import annotations

import pytest

from tests.unit.extraction.samples import (
    INVOICE_LINES,
    RECEIPT_LINES,
    encoded,
    pdf_bytes,
    receipt_image,
)


@pytest.fixture(scope="session")
def invoice_pdf() -> bytes:
    return pdf_bytes([INVOICE_LINES])


@pytest.fixture(scope="session")
def receipt_png() -> bytes:
    return encoded(receipt_image(RECEIPT_LINES), "PNG")
