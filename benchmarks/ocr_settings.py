"""What each OCR setting costs: median time per photo and field accuracy, setting by setting.

    .venv/bin/python benchmarks/ocr_settings.py [--receipts 8] [--phone 8]

Photos: the dev set's PNG renders (`/work/shared/data/invoices-dev`, A4 pages of up to
4093 px), `--receipts N` receipt photos of `synthetic_receipts.py` as rendered (about
640 px: half plain, half hard) and `--phone N` of them enlarged three times, the size a
phone camera delivers (shrunk to 2000 px on decoding, as any upload). Each setting is
read by a fresh OCR engine after one warm-up photo; time is wall time per photo and the
process's CPU time (ONNX Runtime's threads included).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from extraction_eval import FIELDS, _directory_cases, _expected, same_value  # noqa: E402
from synthetic_receipts import make_cases  # noqa: E402

from app.domain.filetypes import sniff  # noqa: E402
from app.extraction import ocr  # noqa: E402
from app.extraction.engine import InvoiceEngine  # noqa: E402

DEV_SET = Path("/work/shared/data/invoices-dev")
# (label, RapidOCR settings); RapidOCR's own defaults first.
SETTINGS: list[tuple[str, dict[str, Any]]] = [
    ("RapidOCR default (short side >= 736, full size)", {
        "Det.limit_type": "min", "Det.limit_side_len": 736}),
    ("detector at 1600 px long side", {"Det.limit_type": "max", "Det.limit_side_len": 1600}),
    ("detector at 1280 px long side", {"Det.limit_type": "max", "Det.limit_side_len": 1280}),
    ("detector at 960 px long side", {"Det.limit_type": "max", "Det.limit_side_len": 960}),
    ("detector at 1280 px, no line classifier", {
        "Det.limit_type": "max", "Det.limit_side_len": 1280, "Global.use_cls": False}),
]  # fmt: skip
Photo = tuple[str, bytes, dict[str, Any]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=8, metavar="N")
    parser.add_argument("--phone", type=int, default=8, metavar="N")
    parser.add_argument("--only", type=int, nargs="*", help="indexes of SETTINGS to run")
    args = parser.parse_args()
    photos = _photos(args.receipts, args.phone)
    engine = InvoiceEngine()
    print(f"{len(photos)} photos; load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'setting':48} {'median s':>8} {'CPU s':>7}  " + " ".join(f"{f[:8]:>8}" for f in FIELDS)
    )
    chosen = args.only if args.only is not None else range(len(SETTINGS))
    for index in chosen:
        label, settings = SETTINGS[index]
        ocr.configure(**{**_defaults(), **settings})
        engine.extract(photos[0][1], sniff(photos[0][1]) or "image/jpeg")  # load the models
        walls, cpus, hits = [], [], {field: [0, 0] for field in FIELDS}
        for _, data, truth in photos:
            wall, cpu = time.perf_counter(), time.process_time()
            fields = engine.extract(data, sniff(data) or "image/jpeg").fields
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            for field, expected in _expected(truth).items():
                if expected is not None:
                    hits[field][0] += same_value(field, fields.get(field), expected)
                    hits[field][1] += 1
        cells = " ".join(f"{h}/{n}".rjust(8) for h, n in hits.values())
        print(f"{label:48} {statistics.median(walls):8.2f} {statistics.median(cpus):7.2f}  {cells}")
    print(f"load average at end {os.getloadavg()[0]:.1f}")


def _defaults() -> dict[str, Any]:
    return {"Global.use_cls": True}


def _photos(receipts: int, phone: int) -> list[Photo]:
    photos = [
        (name, data, truth)
        for name, data, truth in _directory_cases(DEV_SET)
        if name.endswith(".png")
    ]
    cases = make_cases(receipts - receipts // 2, seed=7)
    cases += make_cases(receipts // 2, seed=11, hard=True)
    photos += [(c.name, c.data, c.truth) for c in cases]
    enlarged = make_cases(phone - phone // 2, seed=41)
    enlarged += make_cases(phone // 2, seed=43, hard=True)
    photos += [(f"phone-{c.name}", _enlarged(c.data, 3), c.truth) for c in enlarged]
    return photos


def _enlarged(data: bytes, factor: int) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        large = image.resize(
            (image.width * factor, image.height * factor), Image.Resampling.BICUBIC
        )
    out = io.BytesIO()
    large.save(out, format="JPEG", quality=85)
    return out.getvalue()


if __name__ == "__main__":
    main()
