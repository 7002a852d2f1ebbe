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
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import UnreadableDocument
from app.extraction.layout import Box
from app.extraction.ocr_models import int8_model

# Larger photos only cost decoding time: the detector works at up to 2000 px anyway.
_MAX_SIDE_PX = 2000
# Below this recognition score a box is more often noise than text.
_MIN_SCORE = 0.5
# A page whose boxes are mostly this much taller than wide (the reader's own threshold
# for turning a crop) was saved sideways; a handful of boxes says nothing.
_TALL = 1.5
_SIDEWAYS_SHARE = 0.6
_MIN_BOXES = 3
# A page is read without RapidOCR's line classifier (which turns each line that reads
# upside down round): on an upright page it changes nothing and costs a model run per
# batch of lines. Read upside down, text scores a median of about 0.7, upright about 0.99:
# a page whose first reading scores below this is read again turned round, and so is a
# quarter turn of a sideways page, and the turn that scores best is kept.
_UPRIGHT_SCORE = 0.9

# The detector looks for small print (what its first, small search could not judge) on
# the picture shrunk to this many pixels on its long side; the lines it finds are still
# read from the full picture. RapidOCR's default enlarges
# the short side to 736 px and keeps larger pictures whole, so a 2000 px photo was
# searched at full size: twice the CPU for no field more (docs/extraction.md, "OCR
# settings", measured with benchmarks/ocr_settings.py).
_DETECT_LONG_SIDE_PX = 1280
# RapidOCR settings on top of its defaults (only default models: anything else downloads).
SETTINGS: dict[str, Any] = {
    "Global.log_level": "warning",
    "Det.limit_type": "max",
    "Det.limit_side_len": _DETECT_LONG_SIDE_PX,
    # Lines are read in batches padded to the widest; RapidOCR pads each to 320 px at
    # least, and a short line (a price) costs as much as a long one. 160 px: a sixth less
    # recognition time, no field lost (a few characters of spacing change).
    "Rec.rec_img_shape": [3, 48, 160],
}

# Dossier's own settings of the reader, from app.config unless `configure` set them:
# `Dossier.int8` (8-bit recognition model), `Dossier.probe_area` and
# `Dossier.probe_text_px` (the detector's first, small search: app/extraction/detection.py),
# `Dossier.use_cls` (run the line classifier, as before: to measure what it cost),
# `Dossier.spin` (ONNX Runtime's threads spin while they wait, as before: see
# `_session_options`).
_OWN: dict[str, Any] = {}
# Lines at least this tall in the detector's small search are found there as well as at
# full size (measured with benchmarks/ocr_settings.py). At 250,000 px the lines of the
# training photos measure (median) 16.7 to 21 px on receipts and 10 to 13.2 px on A4
# invoices, whose small print the small search loses (a supplier, invoice numbers:
# docs/extraction.md, "What the OCR settings cost in accuracy"); 15 px sends the A4
# photos to the full search and keeps the receipts' small one.
_PROBE_TEXT_PX = 15.0

_THREADS = "EngineConfig.onnxruntime.intra_op_num_threads"

_lock = threading.Lock()
_engines: dict[int, Any] = {}


def _engine() -> Any:
    pid = os.getpid()
    with _lock:
        if pid not in _engines:
            _engines.clear()
            from app.config import get_settings

            settings = get_settings()
            own = {
                "Dossier.int8": settings.extraction_ocr_int8,
                "Dossier.probe_area": settings.extraction_ocr_probe_area,
                "Dossier.probe_text_px": _PROBE_TEXT_PX,
                **_OWN,
            }
            _engines[pid] = _reader_class()(
                params={
                    # The configured count unless `configure` chose one (to measure it).
                    _THREADS: settings.extraction_ocr_threads or -1,
                    **SETTINGS,
                },
                int8_dir=settings.extraction_ocr_model_dir if own["Dossier.int8"] else None,
                probe_area=int(own["Dossier.probe_area"]),
                probe_text_px=float(own["Dossier.probe_text_px"]),
                spin=bool(own.get("Dossier.spin", False)),
            )
        return _engines[pid]


def load_models() -> None:
    """Load the OCR models now, making the 8-bit recogniser if it is not made yet (for an
    image build; never before a fork: see the module's docstring)."""
    reader = _engine()
    reader._load_det_model()
    reader._load_rec_model()


def configure(**settings: Any) -> None:
    """Other RapidOCR settings (dotted names, as in `SETTINGS`) and Dossier's own
    (`Dossier.*`, see `_OWN`) from the next OCR on: for measuring what each costs
    (benchmarks/ocr_settings.py)."""
    with _lock:
        for name, value in settings.items():
            (_OWN if name.startswith("Dossier.") else SETTINGS)[name] = value
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
    return _boxes(_run(image))


def recognise_upright(image: Image.Image) -> tuple[Image.Image, list[Box]]:
    """Like `recognise`, for a whole page that may have been saved sideways or upside
    down (a photo turned with no EXIF tag): the image as read, turned upright, and its
    boxes. An upright page costs one reading, as with `recognise`."""
    first = _run(image)
    if _sideways(first):
        turned = _best_turn(image, (270, 90), floor=_MIN_SCORE)
    elif _reads_upside_down(first):
        turned = _best_turn(image, (180,), floor=_median_score(first))
    else:
        turned = None
    if turned is None:
        return image, _boxes(first)
    return turned


def _best_turn(
    image: Image.Image, angles: tuple[int, ...], *, floor: float
) -> tuple[Image.Image, list[Box]] | None:
    # The boxes of a sideways page are columns. Of its quarter turns, the wrong one
    # reads upside down and scores low; a turn scoring under `floor` is not kept (text
    # really set vertically, or a page that reads no better turned round).
    best: tuple[float, Image.Image, Any] | None = None
    for angle in angles:
        turned = image.rotate(angle, expand=True)
        reading = _run(turned)
        score = _median_score(reading)
        if score > floor and (best is None or score > best[0]):
            best = (score, turned, reading)
        if score >= _UPRIGHT_SCORE:
            break
    return None if best is None else (best[1], _boxes(best[2]))


def _run(image: Image.Image) -> Any:
    # OpenCV conventions inside RapidOCR: channels in BGR order.
    pixels = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    return _engine()(pixels, use_cls=bool(_OWN.get("Dossier.use_cls", False)))


def _median_score(output: Any) -> float:
    return float(np.median(output.scores)) if output.txts else 0.0


def _reads_upside_down(output: Any) -> bool:
    """Enough text, read with the low scores of a page upside down."""
    boxes = output.boxes
    if boxes is None or len(boxes) < _MIN_BOXES:
        return False
    return _median_score(output) < _UPRIGHT_SCORE


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


def _reader_class() -> type[Any]:
    from rapidocr import RapidOCR  # heavy import, deferred to the first OCR

    from app.extraction.detection import ProbingDetector

    class Reader(RapidOCR):
        """RapidOCR with the detector's size chosen by the text's (a small search first)
        and the 8-bit recognition model."""

        def __init__(
            self,
            params: dict[str, Any],
            *,
            int8_dir: Path | None,
            probe_area: int,
            probe_text_px: float,
            spin: bool,
        ) -> None:
            super().__init__(params=params)
            self._int8_dir = int8_dir
            self._probe = (probe_area, probe_text_px)
            self._probing: ProbingDetector | None = None
            self._spin = spin

        def _load_det_model(self) -> Any:
            if self._probing is None:
                self._own_session(self.cfg.Det, self._model(self.cfg.Det))
                detector = super()._load_det_model()  # type: ignore[no-untyped-call]
                self._probing = ProbingDetector(detector, *self._probe)
            return self._probing

        def _load_rec_model(self) -> Any:
            if self.text_rec is None:
                model = self._model(self.cfg.Rec)
                if self._int8_dir is not None:
                    model = int8_model(model, self._int8_dir) or model
                self._own_session(self.cfg.Rec, model)
            return super()._load_rec_model()  # type: ignore[no-untyped-call]

        def _model(self, cfg: Any) -> Path:
            return _model_file(cfg, Path(self.cfg.Global.model_root_dir))

        def _own_session(self, cfg: Any, model: Path) -> None:
            """RapidOCR takes a ready session (its `session` setting): one made with
            Dossier's options (`_session_options`), which RapidOCR does not offer."""
            from omegaconf import flag_override
            from onnxruntime import InferenceSession

            threads = int(self.cfg.EngineConfig.onnxruntime.intra_op_num_threads)
            session = InferenceSession(
                str(model),
                sess_options=_session_options(threads, spin=self._spin),
                providers=["CPUExecutionProvider"],
            )
            with flag_override(cfg, "allow_objects", True):
                cfg.session = session

    return Reader


def _session_options(threads: int, *, spin: bool) -> Any:
    """RapidOCR's session options, and threads that sleep while they wait for work
    (unless `spin`). ONNX Runtime's threads spin by default between the steps of a
    model: on a busy machine a spinning thread holds a core the other thread of the
    same run is waiting for, and a receipt photo with two threads cost twice the CPU of
    one (docs/extraction.md, "OCR settings"). One thread never waits for another."""
    from onnxruntime import GraphOptimizationLevel, SessionOptions

    options = SessionOptions()
    options.log_severity_level = 4
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads > 0:
        options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return options


def _model_file(cfg: Any, root: Path) -> Path:
    """The model file RapidOCR loads for these settings: the one the wheel ships."""
    if cfg.model_path:
        return Path(cfg.model_path)
    from rapidocr.inference_engine.base import FileInfo, InferSession

    info = InferSession.get_model_url(
        FileInfo(cfg.engine_type, cfg.ocr_version, cfg.task_type, cfg.lang_type, cfg.model_type)
    )
    return root / Path(info["model_dir"]).name


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
