"""The text detector's picture size, chosen from the size of the text on the picture.

RapidOCR's detector costs about in proportion to the pixels it searches, and it finds
text lines from about 10 px tall up. A receipt photo's lines are 20 to 80 px tall at
2000 px (a phone photo of a till roll), an A4 page's about 13: searched at one fixed size,
the receipt pays for pixels it does not need. So the picture is searched small first
(`probe_area` pixels at most) and the lines found there tell whether that was enough: when
most are at least `probe_text_px` tall, that search is kept; otherwise (small print, or
too few lines to judge) the picture is searched again at the detector's configured size.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# Fewer lines than this say nothing about the picture's text size.
_MIN_LINES = 3
# The detector's input sides are multiples of this.
_STRIDE = 32


class ProbingDetector:
    """Wraps RapidOCR's `TextDetector` (same call, same result type)."""

    def __init__(self, detector: Any, probe_area: int, probe_text_px: float) -> None:
        self._detector = detector
        self._probe_area = probe_area
        self._probe_text_px = probe_text_px
        self.searched: list[int] = []  # the long sides searched by the last call

    def __getattr__(self, name: str) -> Any:
        return getattr(self._detector, name)

    def __call__(self, img: np.ndarray) -> Any:
        height, width = img.shape[:2]
        probe_side = _side_for_area(height, width, self._probe_area)
        self.searched = []
        if probe_side < _full_side(self._detector, height, width):
            probe = self._probe(img, probe_side)
            scale = probe_side / max(height, width)
            if text_height(probe.boxes) * scale >= self._probe_text_px:
                return probe
        self.searched.append(_full_side(self._detector, height, width))
        return self._detector(img)

    def _probe(self, img: np.ndarray, long_side: int) -> Any:
        from rapidocr.ch_ppocr_det.utils import DetPreProcess, TextDetOutput

        self.searched.append(long_side)
        detector = self._detector
        batch = DetPreProcess(long_side, "max", detector.mean, detector.std)(img)
        if batch is None:
            return TextDetOutput()
        boxes, scores = detector.postprocess_op(detector.session(batch), img.shape[:2])
        if len(boxes) < 1:
            return TextDetOutput()
        return TextDetOutput(img, detector.sorted_boxes(boxes), scores)


def text_height(boxes: np.ndarray | None) -> float:
    """Median height (short side) of the text boxes, in the picture's pixels; 0 for too
    few boxes to tell."""
    if boxes is None or len(boxes) < _MIN_LINES:
        return 0.0
    quads = np.asarray(boxes, dtype=float)
    sides = np.minimum(
        np.hypot(*(quads[:, 1] - quads[:, 0]).T), np.hypot(*(quads[:, 3] - quads[:, 0]).T)
    )
    return float(np.median(sides))


def _full_side(detector: Any, height: int, width: int) -> int:
    """The long side the detector's own setting searches (`max`: at most its limit;
    `min`, RapidOCR's default: the short side enlarged to its limit)."""
    long_side, short_side = max(height, width), min(height, width)
    limit = int(detector.limit_side_len)
    if detector.limit_type == "max":
        return min(limit, long_side)
    return int(long_side * max(1.0, limit / short_side))


def _side_for_area(height: int, width: int, area: int) -> int:
    """The long side of the picture shrunk to `area` pixels at most (never enlarged)."""
    if area <= 0 or height * width <= area:
        return max(height, width)
    side = max(height, width) * math.sqrt(area / (height * width))
    return max(_STRIDE, int(side))
