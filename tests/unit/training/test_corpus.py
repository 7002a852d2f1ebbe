"""The generated corpus: deterministic, every family in every language, truth that adds up
and that the PDF's own text layer shows."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from training.corpus import (
    FAMILIES,
    LANGUAGES,
    TRUTH_KEYS,
    Rendered,
    generate,
    generate_rendered,
    main,
)
from training.labels import VOCABULARIES

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def corpus() -> list[Rendered]:
    """One document per family and language."""
    return list(generate_rendered(7, 1))


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_there_are_at_least_twenty_families_in_six_languages() -> None:
    assert len(FAMILIES) >= 20
    assert len(set(FAMILIES)) == len(FAMILIES)
    assert LANGUAGES == ("en", "fr", "de", "nl", "es", "it")


def test_the_same_seed_gives_the_same_bytes() -> None:
    def run(seed: int) -> list[bytes]:
        return [s.data for s in generate(seed, 1, families=FAMILIES[:3], languages=["de", "fr"])]

    first = run(11)
    assert first == run(11)
    assert first != run(12)


def test_every_family_renders_in_every_language(corpus: list[Rendered]) -> None:
    seen = {(item.sample.family, item.sample.language) for item in corpus}
    assert seen == {(family, language) for family in FAMILIES for language in LANGUAGES}
    for item in corpus:
        assert item.sample.data.startswith(b"%PDF-")
        assert item.sample.content_type == "application/pdf"


def test_the_truth_adds_up(corpus: list[Rendered]) -> None:
    for item in corpus:
        truth, document = item.sample.truth, item.document
        assert tuple(truth) == TRUTH_KEYS
        total = Decimal(str(truth["total"]))
        if truth["net"] is not None:
            assert Decimal(str(truth["net"])) + Decimal(str(truth["tax"])) == total
        prepaid = document.prepaid * document.sign
        assert Decimal(str(truth["amount_due"])) == total - prepaid
        negative = truth["document_type"] == "credit_note"
        assert (total < 0) == negative, item.sample.family
        dt.date.fromisoformat(str(truth["date"]))
        if truth["due_date"] is not None:
            assert truth["due_date"] > str(truth["date"])
        assert truth["currency"] in {"EUR", "GBP", "USD", "CHF"}


def test_the_text_layer_shows_the_truth_as_printed(corpus: list[Rendered]) -> None:
    missing = []
    for item in corpus:
        document = item.document
        text = pdf_text(item.sample.data)
        # Digits as printed; the sign may be a leading or trailing minus or parentheses.
        printed_total = document.style.number(document.total)
        issued = document.style.date(document.issue)
        for expected in (printed_total, issued, document.number, document.supplier.name):
            if expected not in text:
                missing.append((item.sample.family, item.sample.language, expected))
        shown = document.shown(document.total)
        signed = (document.style.number(shown), document.style.money(shown))
        if not any(form in text for form in signed):
            missing.append((item.sample.family, item.sample.language, signed[0]))
    assert missing == []


def test_some_credit_notes_print_their_amounts_negative(corpus: list[Rendered]) -> None:
    credit_notes = [item.document for item in corpus if item.document.sign < 0]
    assert credit_notes
    assert any(document.shown(document.total) < 0 for document in credit_notes)
    assert any(document.shown(document.total) > 0 for document in credit_notes)


def test_another_process_writes_the_same_bytes(tmp_path: Path) -> None:
    """Nothing depends on hash order or the clock: a fresh interpreter agrees."""
    families = ["receipt-till"]
    command = [
        sys.executable,
        "-m",
        "training.corpus",
        "--out",
        str(tmp_path),
        "--seed",
        "9",
        "--per-family",
        "1",
        "--families",
        ",".join(families),
        "--languages",
        "fr",
        "--kinds",
        "pdf,photo",
    ]
    env = {**os.environ, "PYTHONHASHSEED": "4321"}
    subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True)
    for sample in generate(9, 1, families=families, languages=["fr"], kinds=["pdf", "photo"]):
        suffix = "pdf" if sample.kind == "pdf" else "jpg"
        assert (tmp_path / f"{sample.family}-fr-000.{suffix}").read_bytes() == sample.data


def test_photos_are_jpegs_of_the_same_documents() -> None:
    samples = list(
        generate(
            5, 1, families=["receipt-till", "multi-page"], languages=["nl"], kinds=["pdf", "photo"]
        )
    )
    assert [(s.family, s.kind) for s in samples] == [
        ("receipt-till", "pdf"),
        ("receipt-till", "photo"),
        ("multi-page", "pdf"),
        ("multi-page", "photo"),
    ]
    for pdf, photo in (samples[0:2], samples[2:4]):
        assert photo.truth == pdf.truth
        assert photo.content_type == "image/jpeg"
        with Image.open(io.BytesIO(photo.data)) as image:
            assert image.format == "JPEG"
            assert min(image.size) >= 500
    again = list(generate(5, 1, families=["receipt-till"], languages=["nl"], kinds=["photo"]))
    assert again[0].data == samples[1].data


def test_unknown_names_fail_before_any_work() -> None:
    with pytest.raises(ValueError, match="unknown family no-such-layout"):
        generate(1, 1, families=["no-such-layout"])
    with pytest.raises(ValueError, match="unknown language"):
        generate(1, 1, languages=["pt"])
    with pytest.raises(ValueError, match="unknown kind"):
        generate(1, 1, kinds=["tiff"])
    with pytest.raises(ValueError, match="negative"):
        generate(1, -1)


def test_the_command_line_writes_documents_with_their_truth(tmp_path: Path) -> None:
    code = main(
        [
            "--out",
            str(tmp_path),
            "--seed",
            "3",
            "--per-family",
            "1",
            "--families",
            FAMILIES[0],
            "--languages",
            "it",
        ]
    )
    assert code == 0
    pdf = tmp_path / f"{FAMILIES[0]}-it-000.pdf"
    truth = json.loads((tmp_path / f"{FAMILIES[0]}-it-000.pdf.json").read_text())
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert truth["family"] == FAMILIES[0]
    assert truth["language"] == "it"
    assert set(truth) >= set(TRUTH_KEYS)


def test_the_command_line_refuses_an_unknown_family(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path), "--families", "nope"]) == 2
    assert list(tmp_path.iterdir()) == []


def test_every_language_has_every_label() -> None:
    keys = {language: set(words) for language, words in VOCABULARIES.items()}
    assert set(keys) == set(LANGUAGES)
    assert all(found == keys["en"] for found in keys.values())


def test_the_training_variety_leaves_documents_without_it_unchanged() -> None:
    families = ["letterhead-left", "boxed-meta"]
    plain = [s.data for s in generate(1000, 2, families=families, languages=["it"])]
    again = [s.data for s in generate(1000, 2, families=families, languages=["it"], variety=False)]
    varied = list(generate_rendered(0, 6, families=families, variety=True))

    assert plain == again
    assert any(r.document.extra for r in varied)
    for item in varied:
        truth = item.sample.truth
        if item.document.prepaid:
            assert Decimal(str(truth["amount_due"])) < Decimal(str(truth["total"]))
            assert f"{abs(item.document.amount_due):.2f}"[-2:] in pdf_text(item.sample.data)
