"""The photo set's OCR cache: each photo is read by the engine's OCR once, then from disk,
under a key that changes with the image and with the OCR settings."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.extraction import ocr
from app.extraction.layout import Box
from training import photos


def _png(colour: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (colour, colour, colour)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def counted_ocr(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def recognise_upright(image: Image.Image) -> tuple[Image.Image, list[Box]]:
        calls.append(1)
        return image, [Box("TOTAL", 2, 2, 20, 8), Box("12,50", 25, 2, 38, 8)]

    monkeypatch.setattr(ocr, "recognise_upright", recognise_upright)
    return calls


def test_a_photo_is_read_once_then_from_the_cache(tmp_path: Path, counted_ocr: list[int]) -> None:
    first = photos.read_photo(_png(200), directory=tmp_path)
    again = photos.read_photo(_png(200), directory=tmp_path)

    assert counted_ocr == [1]
    assert [line.text for line in again.lines] == [line.text for line in first.lines]
    assert [line.text for line in first.lines] == ["TOTAL 12,50"]
    assert (again.width, again.height) == (40.0, 30.0)
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_another_image_or_other_ocr_settings_are_read_again(
    tmp_path: Path, counted_ocr: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    photos.read_photo(_png(200), directory=tmp_path)
    photos.read_photo(_png(100), directory=tmp_path)
    assert len(counted_ocr) == 2

    key = photos.cache_key(_png(200))
    settings: dict[str, Any] = {**ocr.SETTINGS, "Det.limit_side_len": 960}
    monkeypatch.setattr(ocr, "SETTINGS", settings)
    photos._ocr_fingerprint.cache_clear()
    try:
        assert photos.cache_key(_png(200)) != key
    finally:
        monkeypatch.undo()
        photos._ocr_fingerprint.cache_clear()


def test_the_cache_lives_where_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOSSIER_TRAINING_CACHE", str(tmp_path))

    assert photos.cache_dir() == tmp_path / "ocr"
