"""The OCR's cheaper paths: the detector's small search first, the 8-bit recogniser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.extraction.detection import ProbingDetector, text_height
from app.extraction.ocr_models import int8_model


def _line(top: float, height: float, width: float = 200.0) -> list[list[float]]:
    return [[10, top], [10 + width, top], [10 + width, top + height], [10, top + height]]


class FakeDetector:
    """RapidOCR's detector as ProbingDetector uses it: preprocessing settings, a session
    and a post-processing step that maps boxes back onto the picture."""

    limit_type = "max"
    limit_side_len = 1280
    mean = [0.5, 0.5, 0.5]
    std = [0.5, 0.5, 0.5]

    def __init__(self, line_height_px: float) -> None:
        self.line_height_px = line_height_px  # on the picture, whatever the search size
        self.searched: list[tuple[int, int]] = []
        self.full_searches = 0

    def session(self, batch: np.ndarray) -> np.ndarray:
        self.searched.append(batch.shape[2:])
        return batch

    def postprocess_op(self, _: np.ndarray, shape: tuple[int, int]) -> tuple[Any, list[float]]:
        boxes = [_line(40 * row, self.line_height_px) for row in range(1, 8)]
        return np.array(boxes), [0.9] * len(boxes)

    @staticmethod
    def sorted_boxes(boxes: np.ndarray) -> np.ndarray:
        return boxes

    def __call__(self, img: np.ndarray) -> str:
        self.full_searches += 1
        return "full search"


def test_a_picture_of_large_print_is_searched_once_and_small() -> None:
    # GIVEN a 1500 x 2000 photo whose lines are 60 px tall (a phone photo of a receipt)
    detector = FakeDetector(line_height_px=60)
    probing = ProbingDetector(detector, probe_area=250_000, probe_text_px=12)
    # WHEN its text is detected
    found = probing(np.zeros((2000, 1500, 3), dtype=np.uint8))
    # THEN one search of about 250,000 px found lines tall enough there, and is kept
    assert detector.full_searches == 0
    assert len(detector.searched) == 1
    height, width = detector.searched[0]
    assert height * width <= 1.1 * 250_000
    assert len(found.boxes) == 7


def test_small_print_is_searched_again_at_the_detectors_size() -> None:
    # GIVEN an A4 page at 2000 px whose lines are 14 px tall: 5 px in the small search
    detector = FakeDetector(line_height_px=14)
    probing = ProbingDetector(detector, probe_area=250_000, probe_text_px=12)
    found = probing(np.zeros((2000, 1414, 3), dtype=np.uint8))
    assert detector.full_searches == 1
    assert found == "full search"
    assert probing.searched[-1] == 1280


def test_a_small_picture_or_no_small_search_goes_straight_to_the_detector() -> None:
    detector = FakeDetector(line_height_px=30)
    ProbingDetector(detector, probe_area=250_000, probe_text_px=12)(
        np.zeros((400, 300, 3), dtype=np.uint8)
    )
    ProbingDetector(detector, probe_area=0, probe_text_px=12)(
        np.zeros((2000, 1500, 3), dtype=np.uint8)
    )
    assert (detector.full_searches, detector.searched) == (2, [])


def test_too_few_lines_say_nothing_of_the_text_size() -> None:
    assert text_height(np.array([_line(0, 50), _line(60, 50)])) == 0.0
    assert text_height(None) == 0.0
    assert text_height(np.array([_line(0, 20), _line(40, 30), _line(80, 90)])) == 30.0


def _matmul_model(path: Path) -> np.ndarray:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    weights = np.random.default_rng(3).normal(size=(64, 32)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 32])],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return weights


def test_the_8_bit_copy_is_made_once_and_computes_about_the_same(tmp_path: Path) -> None:
    import onnxruntime

    source = tmp_path / "tiny.onnx"
    weights = _matmul_model(source)
    cache = tmp_path / "cache"
    made = int8_model(source, cache)
    assert made is not None
    assert made.parent == cache
    stamp = made.stat().st_mtime_ns
    assert int8_model(source, cache) == made
    assert made.stat().st_mtime_ns == stamp  # reused, not made again
    x = np.random.default_rng(4).normal(size=(5, 64)).astype(np.float32)
    session = onnxruntime.InferenceSession(str(made), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"x": x})
    assert np.abs(y - x @ weights).max() < 0.05 * np.abs(x @ weights).max()
    assert list(cache.iterdir()) == [made]  # no partial file left behind


def test_without_a_writable_cache_the_shipped_model_is_kept(tmp_path: Path) -> None:
    source = tmp_path / "tiny.onnx"
    _matmul_model(source)
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert int8_model(source, blocked / "cache") is None
