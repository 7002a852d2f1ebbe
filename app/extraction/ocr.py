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
_MIN_SIDEWAYS_BOXES = 3
# A quarter turn read at this median score is upright: the other is not tried. Read
# upside down, text scores about 0.7; upright, about 0.99.
_UPRIGHT_SCORE = 0.9

_lock = threading.Lock()
_engines: dict[int, Any] = {}


def _engine() -> Any:
    pid = os.getpid()
    with _lock:
        if pid not in _engines:
            _engines.clear()
            from rapidocr import RapidOCR  # heavy import, deferred to the first OCR

            from app.config import get_settings

            threads = get_settings().extraction_ocr_threads
            # Only default models and no drawing helpers: anything else downloads.
            _engines[pid] = RapidOCR(
                params={
                    "Global.log_level": "warning",
                    "EngineConfig.onnxruntime.intra_op_num_threads": threads or -1,
                }
            )
        return _engines[pid]


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
    return _boxes(_run(image))


def recognise_upright(image: Image.Image) -> tuple[Image.Image, list[Box]]:
    """Like `recognise`, for a whole page that may have been saved sideways (a photo
    turned by a quarter with no EXIF tag): the image as read, turned upright, and its
    boxes. An upright page costs one reading, as with `recognise`."""
    output = _run(image)
    if not _sideways(output):
        return image, _boxes(output)
    # The reader turns tall crops and flips upside-down ones by itself, so the text of
    # a sideways page reads well but its lines are columns. Each quarter turn is read
    # without that flip: the wrong one comes out upside down and scores low.
    best: tuple[float, Image.Image, Any] | None = None
    for angle in (270, 90):
        turned = image.rotate(angle, expand=True)
        candidate = _run(turned, use_cls=False)
        score = float(np.median(candidate.scores)) if candidate.txts else 0.0
        if best is None or score > best[0]:
            best = (score, turned, candidate)
        if score >= _UPRIGHT_SCORE:
            break
    if best is None or best[0] < _MIN_SCORE:
        return image, _boxes(output)  # text really set vertically: keep the first reading
    return best[1], _boxes(best[2])


def _run(image: Image.Image, *, use_cls: bool = True) -> Any:
    # OpenCV conventions inside RapidOCR: channels in BGR order.
    pixels = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    return _engine()(pixels, use_cls=use_cls)


def _sideways(output: Any) -> bool:
    """Most text boxes are columns, not lines."""
    if output.boxes is None or len(output.boxes) < _MIN_SIDEWAYS_BOXES:
        return False
    tall = 0
    for quad in output.boxes:
        corners = np.asarray(quad, dtype=float)
        width = np.hypot(*(corners[1] - corners[0]))
        height = np.hypot(*(corners[3] - corners[0]))
        tall += height > _TALL * width
    return bool(tall >= _SIDEWAYS_SHARE * len(output.boxes))


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
