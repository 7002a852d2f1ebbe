"""OCR with RapidOCR's default models, which ship inside the wheel (nothing is downloaded).

The engine is built on first use in each process and kept: loading the models takes
most of a second. Nothing is loaded at import, so a process may import Dossier, build
the engine object and fork (Celery's prefork pool) before any OCR runs. The ONNX
runtime itself is not fork-safe once it has run: a child forked from a process that
already ran OCR can hang when it starts its own session. Celery's pool parent never
runs tasks, and the process id is part of the cache key so a child never reuses a
session it inherited.
"""

from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import UnreadableDocument
from app.extraction.layout import Box

# Larger photos only cost decoding time: the detector works at up to 2000 px anyway.
_MAX_SIDE_PX = 2000
# Below this recognition score a box is more often noise than text.
_MIN_SCORE = 0.5
# A page whose boxes are mostly this much taller than wide (the reader's own threshold
# for turning a crop) was saved sideways; a handful of boxes says nothing.
_TALL = 1.5
_SIDEWAYS_SHARE = 0.6
_MIN_BOXES = 3
# A page on which the reader's classifier turned most lines round was saved upside down.
# Turned round and read without the classifier, such a page scores as well as it did
# with it; a page the classifier misjudged reads upside down, some 0.25 lower.
_UPSIDE_DOWN_SHARE = 0.6
_HALF_TURN_LOSS = 0.1
# A quarter turn read at this median score is upright: the other is not tried. Read
# upside down, text scores about 0.7; upright, about 0.99.
_UPRIGHT_SCORE = 0.9

# The detector looks for text on the picture shrunk to this many pixels on its long side;
# the lines it finds are still read from the full picture. RapidOCR's default enlarges
# the short side to 736 px and keeps larger pictures whole, so a 2000 px photo was
# searched at full size: twice the CPU for no field more (docs/extraction.md, "OCR
# settings", measured with benchmarks/ocr_settings.py).
_DETECT_LONG_SIDE_PX = 1280
# RapidOCR settings on top of its defaults (only default models: anything else downloads).
SETTINGS: dict[str, Any] = {
    "Global.log_level": "warning",
    "Det.limit_type": "max",
    "Det.limit_side_len": _DETECT_LONG_SIDE_PX,
}

_lock = threading.Lock()
_engines: dict[int, Any] = {}
# What the classifier did in this thread's last reading (the engine is shared).
_turned_lines = threading.local()


@dataclass(frozen=True)
class _Reading:
    output: Any  # RapidOCR's result
    turned_share: float  # of the text lines found, those the classifier turned round


def _engine() -> Any:
    pid = os.getpid()
    with _lock:
        if pid not in _engines:
            _engines.clear()
            from app.config import get_settings

            threads = get_settings().extraction_ocr_threads
            _engines[pid] = _reader_class()(
                params={
                    **SETTINGS,
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads or -1,
                }
            )
        return _engines[pid]


def configure(**settings: Any) -> None:
    """Other RapidOCR settings (dotted names, as in `SETTINGS`) from the next OCR on: for
    measuring what each costs (benchmarks/ocr_settings.py)."""
    with _lock:
        SETTINGS.update(settings)
        _engines.clear()


def decode_image(data: bytes) -> Image.Image:
    """Decode a JPEG or PNG upright (phones record rotation in EXIF), at most 2000 px."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            # JPEG decodes straight at a reduced scale: a 12-megapixel phone photo
            # costs a quarter of the time and memory.
            opened.draft("RGB", (_MAX_SIDE_PX, _MAX_SIDE_PX))
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise UnreadableDocument("The image cannot be decoded.") from error
    except (OSError, ValueError, SyntaxError) as error:
        raise UnreadableDocument(f"The image is damaged: {error}.") from error
    if image.width < 8 or image.height < 8:
        raise UnreadableDocument("The image is too small to hold any text.")
    if max(image.size) > _MAX_SIDE_PX:
        image.thumbnail((_MAX_SIDE_PX, _MAX_SIDE_PX))
    return image.convert("RGB")


def recognise(image: Image.Image) -> list[Box]:
    """Text boxes found in the image, in pixels, with the photo's tilt taken out."""
    return _boxes(_run(image).output)


def recognise_upright(image: Image.Image) -> tuple[Image.Image, list[Box]]:
    """Like `recognise`, for a whole page that may have been saved sideways or upside
    down (a photo turned with no EXIF tag): the image as read, turned upright, and its
    boxes. An upright page costs one reading, as with `recognise`."""
    first = _run(image)
    if _sideways(first.output):
        turned = _quarter_turned(image)
    elif _upside_down(first):
        turned = _half_turned(image, first)
    else:
        turned = None
    if turned is None:
        return image, _boxes(first.output)
    return turned[0], _boxes(turned[1].output)


def _quarter_turned(image: Image.Image) -> tuple[Image.Image, _Reading] | None:
    # The reader turns tall crops and flips upside-down ones by itself, so the text of
    # a sideways page reads well but its lines are columns. Each quarter turn is read
    # without that flip: the wrong one comes out upside down and scores low.
    best: tuple[float, Image.Image, _Reading] | None = None
    for angle in (270, 90):
        turned = image.rotate(angle, expand=True)
        candidate = _run(turned, use_cls=False)
        score = _median_score(candidate)
        if best is None or score > best[0]:
            best = (score, turned, candidate)
        if score >= _UPRIGHT_SCORE:
            break
    if best is None or best[0] < _MIN_SCORE:
        return None  # text really set vertically: keep the first reading
    return best[1], best[2]


def _half_turned(image: Image.Image, first: _Reading) -> tuple[Image.Image, _Reading] | None:
    # The classifier flips each line of an upside-down page so its words read well, but
    # the lines stay in reverse order and mirrored: the page is read again turned round,
    # without the flip, so that a page the classifier misjudged reads upside down and
    # scores low.
    turned = image.rotate(180)
    candidate = _run(turned, use_cls=False)
    if _median_score(candidate) < _median_score(first) - _HALF_TURN_LOSS:
        return None
    return turned, candidate


def _run(image: Image.Image, *, use_cls: bool = True) -> _Reading:
    # OpenCV conventions inside RapidOCR: channels in BGR order.
    pixels = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    _turned_lines.share = 0.0
    output = _engine()(pixels, use_cls=use_cls)
    return _Reading(output, _turned_lines.share)


def _median_score(reading: _Reading) -> float:
    scores = reading.output.scores
    return float(np.median(scores)) if reading.output.txts else 0.0


def _sideways(output: Any) -> bool:
    """Most text boxes are columns, not lines."""
    if output.boxes is None or len(output.boxes) < _MIN_BOXES:
        return False
    tall = 0
    for quad in output.boxes:
        corners = np.asarray(quad, dtype=float)
        width = np.hypot(*(corners[1] - corners[0]))
        height = np.hypot(*(corners[3] - corners[0]))
        tall += height > _TALL * width
    return bool(tall >= _SIDEWAYS_SHARE * len(output.boxes))


def _upside_down(reading: _Reading) -> bool:
    """The classifier turned most lines round."""
    boxes = reading.output.boxes
    if boxes is None or len(boxes) < _MIN_BOXES:
        return False
    return reading.turned_share >= _UPSIDE_DOWN_SHARE


def _reader_class() -> type[Any]:
    from rapidocr import RapidOCR  # heavy import, deferred to the first OCR

    class Reader(RapidOCR):
        """RapidOCR keeping count of the lines its classifier turned round, which its
        result leaves out."""

        def cls_and_rotate(self, img: list[np.ndarray]) -> tuple[list[np.ndarray], Any]:
            crops, result = super().cls_and_rotate(img)
            verdicts = result.cls_res or []
            threshold = self.cfg.Cls.cls_thresh
            turned = sum("180" in label and score > threshold for label, score in verdicts)
            _turned_lines.share = turned / len(verdicts) if verdicts else 0.0
            return crops, result

    return Reader


def _boxes(output: Any) -> list[Box]:
    if output.boxes is None or output.txts is None:
        return []
    found = [
        (np.asarray(quad, dtype=float), str(text))
        for quad, text, score in zip(output.boxes, output.txts, output.scores, strict=False)
        if score >= _MIN_SCORE and str(text).strip()
    ]
    slope = _tilt([quad for quad, _ in found])
    return [_upright(quad, text, slope) for quad, text in found]


def _tilt(quads: list[np.ndarray]) -> float:
    """The page's slope (dy/dx) as the median slope of the top edges of wide boxes."""
    slopes = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        if x1 - x0 > 2 * abs(quad[3][1] - y0):
            slopes.append((y1 - y0) / (x1 - x0))
    return float(np.median(slopes)) if slopes else 0.0


def _upright(quad: np.ndarray, text: str, slope: float) -> Box:
    # Undo the tilt on the box centre, and take the height along the box's own side: on
    # a tilted photo the label at the left and the price at the right of one line are
    # at different heights, and axis-aligned boxes would be too tall.
    centre_x, centre_y = quad.mean(axis=0)
    height = float(np.hypot(*(quad[3] - quad[0])))
    level = float(centre_y - slope * centre_x)
    left, right = float(quad[:, 0].min()), float(quad[:, 0].max())
    return Box(text, left, level - height / 2, right, level + height / 2)
