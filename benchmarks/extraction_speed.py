"""Time per text-PDF page and per receipt photo of the extraction engines, side by side.

    .venv/bin/python benchmarks/extraction_speed.py [--generated 2] [--photos 12] [--repeat 3]
    .venv/bin/python benchmarks/extraction_speed.py --profile pdf   # cProfile, top functions

Text PDFs: the dev set's (`/work/shared/data/invoices-dev`) and `--generated N` per family
of the corpus (`training.corpus`, seed 500, English, French and German). Each document is
read `--repeat` times by each engine in turn (the readers' caches of phrases and label
words emptied before each run) and its best run is kept, as process CPU
time (`time.process_time`: what the machine being shared does not inflate much) and wall
time. Photos: the dev set's PNG renders and `--photos N` generated receipt photos
(`synthetic_receipts.py`), read once each after a warm-up; OCR runs on ONNX Runtime's
own threads, so for photos the process CPU time counts them too.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from synthetic_receipts import make_cases  # noqa: E402

from app.extraction import Engine, load_engine  # noqa: E402
from app.extraction.fields import supplier  # noqa: E402
from app.extraction.learned import lexicon  # noqa: E402

DEV_SET = Path("/work/shared/data/invoices-dev")
ENGINES = {
    "learned": "app.extraction.engine:InvoiceEngine",
    "rules": "app.extraction.engine:RuleEngine",
}
Case = tuple[str, bytes, str]  # name, data, content type


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=2, metavar="N")
    parser.add_argument("--photos", type=int, default=12, metavar="N")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="learned,rules")
    parser.add_argument("--kinds", default="pdf,photo", help="what to time: pdf, photo")
    parser.add_argument("--profile", choices=("pdf", "photo"), help="profile one engine")
    args = parser.parse_args()
    engines = {name: load_engine(ENGINES.get(name, name)) for name in args.engines.split(",")}
    kinds = set(args.kinds.split(","))
    pdfs = _pdf_cases(args.generated) if "pdf" in kinds else []
    photos = _photo_cases(args.photos) if "photo" in kinds else []
    print(f"load average at start {os.getloadavg()[0]:.1f}")
    if args.profile:
        _profile(next(iter(engines.values())), pdfs if args.profile == "pdf" else photos)
        return
    for name, engine in engines.items():
        if pdfs:
            _report(f"{name:8} text PDF per page", _per_page(engine, pdfs, args.repeat))
    for name, engine in engines.items():
        if photos:
            engine.extract(photos[0][1], photos[0][2])  # load the OCR models, as a worker does
            _report(f"{name:8} photo", [_timed(engine, case)[:2] for case in photos])
    print(f"load average at end {os.getloadavg()[0]:.1f}")


def _pdf_cases(generated: int) -> list[Case]:
    cases = [(p.name, p.read_bytes(), "application/pdf") for p in sorted(DEV_SET.glob("*.pdf"))]
    if generated:
        from training.corpus import generate

        samples = generate(500, generated, languages=("en", "fr", "de"))
        cases += [
            (f"{s.family}-{s.language}-{i}", s.data, s.content_type) for i, s in enumerate(samples)
        ]
    return cases


def _photo_cases(count: int) -> list[Case]:
    cases = [(p.name, p.read_bytes(), "image/png") for p in sorted(DEV_SET.glob("*.png"))]
    cases += [(c.name, c.data, "image/jpeg") for c in make_cases(count, seed=7)]
    return cases


def _timed(engine: Engine, case: Case, *, cold: bool = False) -> tuple[float, float, int]:
    _, data, content_type = case
    if cold:  # each repeat pays what a document no other has warmed pays
        supplier._clean.cache_clear()
        lexicon.groups_in.cache_clear()
    wall, cpu = time.perf_counter(), time.process_time()
    result = engine.extract(data, content_type)
    return (
        time.process_time() - cpu,
        time.perf_counter() - wall,
        int(result.fields.get("pages", 1)),
    )


def _per_page(engine: Engine, cases: Sequence[Case], repeat: int) -> list[tuple[float, float]]:
    found = []
    for case in cases:
        runs = [_timed(engine, case, cold=True) for _ in range(repeat)]
        pages = runs[0][2]
        found.append((min(r[0] for r in runs) / pages, min(r[1] for r in runs) / pages))
    return found


def _report(label: str, times: list[tuple[float, float]]) -> None:
    cpu = [t[0] * 1000 for t in times]
    wall = [t[1] * 1000 for t in times]
    print(
        f"{label:28} n={len(times):<3} CPU median {statistics.median(cpu):8.1f} ms"
        f" (max {max(cpu):8.1f}), wall median {statistics.median(wall):8.1f} ms"
        f" (max {max(wall):8.1f})"
    )


def _profile(engine: Engine, cases: Sequence[Case]) -> None:
    engine.extract(cases[0][1], cases[0][2])
    profiler = cProfile.Profile()
    profiler.enable()
    for _, data, content_type in cases:
        engine.extract(data, content_type)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
