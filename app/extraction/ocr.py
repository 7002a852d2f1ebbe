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

_lock = threading.Lock()
_engines: dict[int, Any] = {}


def _engine() -> Any:
    pid = os.getpid()
    with _lock:
        if pid not in _engines:
            _engines.clear()
            from rapidocr import RapidOCR  # heavy import, deferred to the first OCR

            # Only default models and no drawing helpers: anything else downloads.
            _engines[pid] = RapidOCR(params={"Global.log_level": "warning"})
        return _engines[pid]


def decode_image(data: bytes) -> Image.Image:
    """Decode a JPEG or PNG upright (phones record rotation in EXIF), at most 2000 px."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
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
    """Text boxes found in the image, in pixels."""
    # OpenCV conventions inside RapidOCR: channels in BGR order.
    pixels = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    output = _engine()(pixels)
    if output.boxes is None or output.txts is None:
        return []
    boxes = []
    for quad, text, score in zip(output.boxes, output.txts, output.scores, strict=False):
        if score < _MIN_SCORE or not str(text).strip():
            continue
        xs = [float(point[0]) for point in quad]
        ys = [float(point[1]) for point in quad]
        boxes.append(Box(str(text), min(xs), min(ys), max(xs), max(ys)))
    return boxes
