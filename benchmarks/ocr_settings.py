"""What each OCR setting costs: median time per photo and field accuracy, setting by setting.

    .venv/bin/python benchmarks/ocr_settings.py [--receipts 8] [--phone 8] [--turned 4]
        [--threads 1] [--only 0 5]

Photos: the dev set's PNG renders (`/work/shared/data/invoices-dev`, A4 pages of up to
4093 px), `--receipts N` receipt photos of `synthetic_receipts.py` as rendered (about
640 px: half plain, half hard) and `--phone N` of them enlarged three times, the size a
phone camera delivers (shrunk to 2000 px on decoding, as any upload), and with
`--turned N` N receipts saved sideways and N upside down (no EXIF tag). Each setting is
read by a fresh OCR engine after one warm-up photo; time is wall time per photo and the
process's CPU time (ONNX Runtime's threads included, `--threads`: 0 is one per core),
over all photos, then over the receipt photos alone (CPU and wall) and the A4 pages alone.
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
from synthetic_receipts import make_cases, make_sideways, make_upside_down  # noqa: E402

from app.domain.filetypes import sniff  # noqa: E402
from app.extraction import ocr  # noqa: E402
from app.extraction.engine import InvoiceEngine  # noqa: E402

DEV_SET = Path("/work/shared/data/invoices-dev")
# (label, settings): RapidOCR's (dotted names) and Dossier's own (`Dossier.*`, see
# app/extraction/ocr.py), each on top of DEFAULTS; RapidOCR's own defaults first.
DEFAULTS: dict[str, Any] = {
    "Det.limit_type": "max",
    "Det.limit_side_len": 1280,
    "Rec.rec_img_shape": [3, 48, 160],
    "Rec.rec_batch_num": 6,
    "Dossier.int8": True,
    "Dossier.probe_area": 250_000,
    "Dossier.probe_text_px": 15.0,
    "Dossier.use_cls": False,
    "Dossier.spin": False,
}
SHIPPED = {"Dossier.int8": False, "Dossier.probe_area": 0, "Rec.rec_img_shape": [3, 48, 320]}
SETTINGS: list[tuple[str, dict[str, Any]]] = [
    ("before: 1280 px, line classifier, shipped model", {**SHIPPED, "Dossier.use_cls": True}),
    ("RapidOCR default size (short side >= 736)", {
        **SHIPPED, "Det.limit_type": "min", "Det.limit_side_len": 736}),
    ("detector at 1280 px long side", SHIPPED),
    ("detector at 960 px long side", {**SHIPPED, "Det.limit_side_len": 960}),
    ("small search first (250,000 px)", {**SHIPPED, "Dossier.probe_area": 250_000}),
    ("8-bit recogniser", {**SHIPPED, "Dossier.int8": True}),
    ("small search first + 8-bit recogniser", {"Rec.rec_img_shape": [3, 48, 320]}),
    ("  + lines padded to 160 px, not 320: the default", {}),
    ("  search 150,000 px first", {"Dossier.probe_area": 150_000}),
    ("  search 400,000 px first", {"Dossier.probe_area": 400_000}),
    ("  lines >= 10 px in the small search", {"Dossier.probe_text_px": 10.0}),
    ("  recogniser batches of 1", {"Rec.rec_batch_num": 1}),
    ("  recogniser batches of 12", {"Rec.rec_batch_num": 12}),
    ("  threads spin while they wait (ORT's default)", {"Dossier.spin": True}),
    ("before, threads spinning", {**SHIPPED, "Dossier.use_cls": True, "Dossier.spin": True}),
    ("  lines >= 12 px in the small search", {"Dossier.probe_text_px": 12.0}),
    ("  the same, threads spinning", {"Dossier.probe_text_px": 12.0, "Dossier.spin": True}),
]  # fmt: skip
Photo = tuple[str, bytes, dict[str, Any]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=8, metavar="N")
    parser.add_argument("--phone", type=int, default=8, metavar="N")
    parser.add_argument(
        "--turned",
        type=int,
        default=0,
        metavar="N",
        help="also N receipts saved sideways and N upside down",
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="ONNX Runtime threads (0: one per core)"
    )
    parser.add_argument("--only", type=int, nargs="*", help="indexes of SETTINGS to run")
    args = parser.parse_args()
    threads = {"EngineConfig.onnxruntime.intra_op_num_threads": args.threads or -1}
    photos = _photos(args.receipts, args.phone, args.turned)
    engine = InvoiceEngine()
    print(f"{len(photos)} photos; load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'setting':44} {'median s':>8} {'CPU s':>6} {'receipt':>7} {'wall':>5} {'A4 CPU':>6}  "
        + " ".join(f"{f[:8]:>8}" for f in FIELDS)
    )
    chosen = args.only if args.only is not None else range(len(SETTINGS))
    for index in chosen:
        label, settings = SETTINGS[index]
        ocr.configure(**{**DEFAULTS, **settings, **threads})
        engine.extract(photos[0][1], sniff(photos[0][1]) or "image/jpeg")  # load the models
        walls, cpus, hits = [], [], {field: [0, 0] for field in FIELDS}
        receipt, page = [], []  # (CPU, wall) of receipt photos, CPU of the dev set's pages
        for name, data, truth in photos:
            wall, cpu = time.perf_counter(), time.process_time()
            fields = engine.extract(data, sniff(data) or "image/jpeg").fields
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            if name.endswith(".png"):
                page.append(cpus[-1])
            else:
                receipt.append((cpus[-1], walls[-1]))
            for field, expected in _expected(truth).items():
                if expected is not None:
                    hits[field][0] += same_value(field, fields.get(field), expected)
                    hits[field][1] += 1
        cells = " ".join(f"{h}/{n}".rjust(8) for h, n in hits.values())
        on_receipts = [statistics.median(t[i] for t in receipt) if receipt else 0 for i in (0, 1)]
        print(
            f"{label:44} {statistics.median(walls):8.2f} {statistics.median(cpus):6.2f}"
            f" {on_receipts[0]:7.2f} {on_receipts[1]:5.2f}"
            f" {statistics.median(page) if page else 0:6.2f}  {cells}"
            f"  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(f"load average at end {os.getloadavg()[0]:.1f}")


def _photos(receipts: int, phone: int, turned: int = 0) -> list[Photo]:
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
    if turned:
        photos += [(c.name, c.data, c.truth) for c in make_sideways(turned)]
        photos += [(c.name, c.data, c.truth) for c in make_upside_down(turned)]
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
