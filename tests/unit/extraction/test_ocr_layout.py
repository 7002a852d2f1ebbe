"""OCR boxes of a tilted photo: lines are found after the tilt is taken out."""

import numpy as np
import pytest

from app.extraction.layout import group_lines
from app.extraction.ocr import _tilt, _upright


def quad(left: float, top: float, width: float, height: float, slope: float) -> np.ndarray:
    """A text box of a photo tilted by `slope` (dy/dx), corners clockwise from top left."""
    corners = [(left, top), (left + width, top), (left + width, top + height), (left, top + height)]
    return np.array([(x, y + slope * x) for x, y in corners])


def test_label_and_price_of_one_tilted_line_end_up_together() -> None:
    slope = 0.06  # about 3.4 degrees: 30 px of drift across a 500 px receipt
    rows = [("Subtotaal", "50,61"), ("BTW 21%", "10,63"), ("Totaal", "61,24")]
    quads = []
    for index, (label, price) in enumerate(rows):
        top = 100 + index * 36
        quads += [(quad(20, top, 150, 24, slope), label), (quad(420, top, 80, 24, slope), price)]

    assert abs(_tilt([q for q, _ in quads]) - slope) < 1e-9
    boxes = [_upright(q, text, slope) for q, text in quads]
    lines = group_lines(0, boxes)

    assert [line.text for line in lines] == ["Subtotaal 50,61", "BTW 21% 10,63", "Totaal 61,24"]


def test_without_tilt_correction_the_same_boxes_would_mix_lines() -> None:
    # The control for the test above: the drift is larger than half a line.
    slope = 0.06
    left = quad(20, 100, 150, 24, slope)
    right = quad(420, 100, 80, 24, slope)
    assert (right[:, 1].min() - left[:, 1].min()) > 24 / 2


def test_narrow_boxes_do_not_vote_on_the_tilt() -> None:
    # Single characters have unreliable top edges; only wide boxes count.
    wide = [quad(0, 0, 200, 20, 0.02) for _ in range(3)]
    narrow = [quad(0, 0, 15, 20, 0.5) for _ in range(5)]
    assert abs(_tilt(wide + narrow) - 0.02) < 1e-9


def test_the_detector_searches_a_bounded_picture_and_configure_builds_a_new_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typing import Any

    from app.extraction import ocr

    built: list[dict[str, Any]] = []
    options: list[dict[str, Any]] = []

    class FakeReader:
        def __init__(self, params: dict[str, Any], **own: Any) -> None:
            built.append(params)
            options.append(own)

    monkeypatch.setattr(ocr, "_reader_class", lambda: FakeReader)
    monkeypatch.setattr(ocr, "SETTINGS", dict(ocr.SETTINGS))
    monkeypatch.setattr(ocr, "_OWN", {})
    monkeypatch.setattr(ocr, "_engines", {})
    ocr._engine()
    ocr._engine()
    assert len(built) == 1  # one reader per process
    assert (built[0]["Det.limit_type"], built[0]["Det.limit_side_len"]) == ("max", 1280)
    assert options[0]["probe_area"] == 250_000
    assert options[0]["int8_dir"] is not None
    ocr.configure(**{"Det.limit_side_len": 960, "Dossier.int8": False})
    ocr._engine()
    assert len(built) == 2
    assert built[1]["Det.limit_side_len"] == 960
    assert "Dossier.int8" not in built[1]  # Dossier's own settings are not RapidOCR's
    assert options[1]["int8_dir"] is None
    assert options[1]["spin"] is False
    # A thread count given to `configure` wins over the configured one (benchmarks).
    threads = "EngineConfig.onnxruntime.intra_op_num_threads"
    ocr.configure(**{threads: 1, "Dossier.spin": True})
    ocr._engine()
    assert built[2][threads] == 1
    assert options[2]["spin"] is True


def test_onnx_runtime_threads_sleep_while_they_wait() -> None:
    pytest.importorskip("onnxruntime")
    from app.extraction.ocr import _session_options

    entry = "session.intra_op.allow_spinning"
    assert _session_options(0, spin=False).get_session_config_entry(entry) == "0"
    assert _session_options(2, spin=True).get_session_config_entry(entry) == "1"
    assert _session_options(2, spin=False).intra_op_num_threads == 2
    assert _session_options(0, spin=False).intra_op_num_threads == 0  # ONNX Runtime's default


def test_rapidocr_runs_the_sessions_made_with_dossiers_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("rapidocr")
    from app.extraction import ocr

    monkeypatch.setattr(ocr, "SETTINGS", dict(ocr.SETTINGS))
    monkeypatch.setattr(ocr, "_OWN", {})
    monkeypatch.setattr(ocr, "_engines", {})
    ocr.configure(**{"EngineConfig.onnxruntime.intra_op_num_threads": 2, "Dossier.int8": False})
    reader = ocr._engine()
    for model in (reader._load_det_model(), reader._load_rec_model()):
        options = model.session.session.get_session_options()
        assert options.intra_op_num_threads == 2
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
