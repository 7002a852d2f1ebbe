"""The text recogniser with its matrix products in 8-bit integers, made from the model
that ships inside the rapidocr wheel (nothing is downloaded).

Recognition is about half of a photo's OCR time, and most of it is matrix products.
ONNX Runtime's dynamic quantisation stores their weights as 8-bit integers and
quantises the activations on the fly: half the CPU for a few changed characters in
hundreds of lines (docs/extraction.md, "OCR settings"). The convolutions stay in floating
point (quantised too they were slower and misread far more). The quantised model is
written once into a cache directory, named after the shipped model's digest, and reused
by every later process.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

_QUANTISED_OPS = ["MatMul", "Gemm"]


def int8_model(source: Path, cache_dir: Path) -> Path | None:
    """The 8-bit copy of `source` in `cache_dir`, made on first use; None when it cannot
    be made (the caller keeps the shipped model)."""
    try:
        from onnxruntime import __version__ as runtime

        target = cache_dir / f"{source.stem}.int8-{_digest(source)}-ort{runtime}.onnx"
        if target.is_file():
            return target
        from onnxruntime.quantization import QuantType, quantize_dynamic

        cache_dir.mkdir(parents=True, exist_ok=True)
        # Another process may be writing the same file: each writes its own, then
        # renames it into place (atomic), and the last one wins with the same bytes.
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        quantize_dynamic(
            source, partial, weight_type=QuantType.QInt8, op_types_to_quantize=_QUANTISED_OPS
        )
        os.replace(partial, target)
        return target
    except (ImportError, OSError, ValueError) as error:
        log.warning("OCR keeps the shipped recognition model (no 8-bit copy: %s)", error)
        return None


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as model:
        for chunk in iter(lambda: model.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()[:16]
