"""The engine end to end on real bytes: text PDFs, photos, scans, and broken files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.domain.filetypes import JPEG, PDF, PNG, TEXT
from app.errors import UnreadableDocument
from app.extraction import load_engine, ocr
from app.extraction.engine import InvoiceEngine
from tests.unit.extraction.samples import (
    INVOICE_LINES,
    RECEIPT_LINES,
    encoded,
    pdf_bytes,
    receipt_image,
)

ENGINE_PATH = "app.extraction.engine:InvoiceEngine"


@pytest.fixture(scope="module")
def engine() -> InvoiceEngine:
    loaded = load_engine(ENGINE_PATH)
    assert isinstance(loaded, InvoiceEngine)
    return loaded


def test_a_text_pdf_is_read_from_its_text_layer(engine: InvoiceEngine, invoice_pdf: bytes) -> None:
    result = engine.extract(invoice_pdf, PDF)
    assert result.engine == "invoice/text-layer"
    assert "Total TTC : 73,85 €" in result.text
    assert {key: result.fields[key] for key in ("supplier", "date", "total", "tax")} == {
        "supplier": "Boulangerie Martin SARL",
        "date": "2024-03-14",
        "total": "73.85",
        "tax": "3.85",
    }
    assert (result.fields["currency"], result.fields["invoice_number"]) == ("EUR", "F-2024-0117")
    assert 0 < result.fields["confidence"]["total"] <= 1
    assert result.seconds > 0


def test_a_photo_of_a_receipt_is_read_by_ocr(engine: InvoiceEngine, receipt_png: bytes) -> None:
    result = engine.extract(receipt_png, PNG)
    assert result.engine == "invoice/ocr"
    assert result.fields["total"] == "11.54"
    assert result.fields["currency"] == "GBP"
    assert result.fields["date"] == "2024-11-05"
    assert result.fields["supplier"] == "CORNER GROCERY LTD"


def test_a_scanned_pdf_is_rendered_and_read_by_ocr(engine: InvoiceEngine) -> None:
    scan = receipt_image(["Librairie Page SARL", "Date : 02/09/2024", "Total TTC 18,90 EUR"])
    result = engine.extract(encoded(scan, "PDF"), PDF)
    assert result.engine == "invoice/ocr"
    assert (result.fields["total"], result.fields["date"]) == ("18.90", "2024-09-02")


def test_a_jpeg_is_turned_upright_from_its_exif_orientation(engine: InvoiceEngine) -> None:
    upright = receipt_image(["Total 42,00 EUR"])
    # Stored rotated, with the EXIF tag that tells viewers to rotate it back.
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = upright.rotate(90, expand=True)
    data = encoded_with_exif(stored, exif)
    assert engine.extract(data, JPEG).fields["total"] == "42.00"


def encoded_with_exif(image: Image.Image, exif: Image.Exif) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def test_plain_text_is_parsed_too(engine: InvoiceEngine) -> None:
    result = engine.extract("Shop Ltd\nTotal: £3.20\n".encode(), TEXT)
    assert (result.engine, result.fields["total"]) == ("invoice/text", "3.20")


def test_a_windows_1252_text_receipt_reads_its_accents_and_euro_sign(
    engine: InvoiceEngine,
) -> None:
    data = "Café Müller GmbH\nDatum 14.03.2024\nGesamt 12,50 €\n".encode("cp1252")
    result = engine.extract(data, TEXT)
    assert "Café Müller GmbH" in result.text
    assert (result.fields["total"], result.fields["currency"]) == ("12.50", "EUR")


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (b"", PDF, "empty"),
        (b"%PDF-1.7\n1 0 obj garbage", PDF, "damaged"),
        (pdf_bytes([INVOICE_LINES], encrypt=True), PDF, "password"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, PNG, "image"),
        (b"\xff\xd8\xff\xe0 truncated", JPEG, "image"),
        (b"PK\x03\x04 a zip file", "application/zip", "not application/zip"),
        (b"   \n\n  ", TEXT, "No text"),
    ],
)
def test_unreadable_input_is_refused_with_a_reason(
    engine: InvoiceEngine, data: bytes, content_type: str, reason: str
) -> None:
    with pytest.raises(UnreadableDocument, match=reason):
        engine.extract(data, content_type)


def test_an_image_without_any_text_is_unreadable(engine: InvoiceEngine) -> None:
    blank = encoded(Image.new("RGB", (400, 300), "white"), "PNG")
    with pytest.raises(UnreadableDocument, match="No text"):
        engine.extract(blank, PNG)


# Run in a fresh interpreter: this test process has already used OCR, and an ONNX
# runtime that has run cannot be forked (neither can Celery's pool parent's; Dossier
# only loads the models on the first task, in the pool child).
_FORKED_WORKER = """
import multiprocessing, sys
from app.extraction import load_engine, ocr

engine = load_engine("app.extraction.engine:InvoiceEngine")
data = sys.stdin.buffer.read()

def work(queue):
    queue.put(engine.extract(data, "image/png").fields["total"])

context = multiprocessing.get_context("fork")
queue = context.Queue()
child = context.Process(target=work, args=(queue,), daemon=True)
child.start()
print(queue.get(timeout=200))
"""


def test_the_engine_built_before_a_fork_works_in_the_forked_child() -> None:
    data = encoded(receipt_image(["Total 9,99 EUR"]), "PNG")
    done = subprocess.run(
        [sys.executable, "-c", _FORKED_WORKER],
        input=data,
        capture_output=True,
        timeout=240,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "9.99"


def test_a_page_stored_turned_is_read_as_displayed(engine: InvoiceEngine) -> None:
    turned = engine.extract(pdf_bytes([INVOICE_LINES], rotate=90), PDF)
    upright = engine.extract(pdf_bytes([INVOICE_LINES]), PDF)
    assert turned.engine == "invoice/text-layer"
    assert turned.text == upright.text
    assert turned.fields == upright.fields


def test_nul_characters_never_reach_the_stored_text(engine: InvoiceEngine) -> None:
    data = b"Shop Ltd\n" + b"x" * 9000 + b"\x00\nTotal: \xc2\xa33.20\n"
    result = engine.extract(data, TEXT)
    assert "\x00" not in result.text
    assert result.fields["total"] == "3.20"


@pytest.mark.parametrize(
    ("angle", "kind", "content_type"),
    # The 180° case is lossless: this small sample's turned JPEG reads its date glued
    # to the time ('05/11/202414:32'), which is not what is tested here.
    [(90, "JPEG", JPEG), (270, "JPEG", JPEG), (180, "PNG", PNG)],
)
def test_a_photo_saved_turned_is_turned_upright_and_read(
    engine: InvoiceEngine, angle: int, kind: str, content_type: str
) -> None:
    # No EXIF tag says the photo is turned. Sideways, the OCR's boxes are columns instead
    # of lines; upside down, the reader flips each line so its words read well, but the
    # lines come in reverse order: the page itself must be turned round.
    photo = receipt_image(RECEIPT_LINES).rotate(angle, expand=True)
    result = engine.extract(encoded(photo, kind), content_type)
    assert {key: result.fields[key] for key in ("supplier", "total", "date")} == {
        "supplier": "CORNER GROCERY LTD",
        "total": "11.54",
        "date": "2024-11-05",
    }
    assert result.text.index("CORNER GROCERY LTD") < result.text.index("TOTAL")


def test_an_upright_photo_is_read_once(
    engine: InvoiceEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    readings = []

    def counted(image: Image.Image) -> object:
        readings.append(image.size)
        return run(image)

    run = ocr._run
    monkeypatch.setattr(ocr, "_run", counted)
    result = engine.extract(encoded(receipt_image(RECEIPT_LINES), "JPEG"), JPEG)
    assert result.fields["total"] == "11.54"
    assert len(readings) == 1


def test_an_upright_photo_taken_for_upside_down_is_kept_as_read(
    engine: InvoiceEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a bar so high that every first reading looks like a page upside down
    monkeypatch.setattr(ocr, "_UPRIGHT_SCORE", 1.01)
    # WHEN an upright photo is read: turned round, it reads upside down and scores low
    result = engine.extract(encoded(receipt_image(RECEIPT_LINES), "JPEG"), JPEG)
    # THEN the first reading stands
    assert (result.fields["supplier"], result.fields["total"]) == ("CORNER GROCERY LTD", "11.54")
    assert result.text.index("CORNER GROCERY LTD") < result.text.index("TOTAL")


def _company_footer(name: str) -> Image.Image:
    return receipt_image([name, "RCS Lyon 812 345 678 - TVA FR12812345678"], width=1000)


def test_a_supplier_printed_only_in_a_picture_is_read_from_it(engine: InvoiceEngine) -> None:
    without_name = INVOICE_LINES[1:]
    pdf = pdf_bytes([without_name], picture=(50, 700, _company_footer("Fournil Dupont SARL")))
    result = engine.extract(pdf, PDF)
    assert result.engine == "invoice/text-layer"
    assert result.fields["supplier"] == "Fournil Dupont SARL"
    assert result.fields["total"] == "73.85"


def test_a_supplier_named_in_the_text_layer_wins_over_pictures(engine: InvoiceEngine) -> None:
    pdf = pdf_bytes([INVOICE_LINES], picture=(50, 700, _company_footer("Fournil Dupont SARL")))
    assert engine.extract(pdf, PDF).fields["supplier"] == "Boulangerie Martin SARL"
