"""Time per text-PDF page and per receipt photo of the extraction engines, side by side.

    .venv/bin/python benchmarks/extraction_speed.py [--generated 2] [--photos 12] [--repeat 3]
    .venv/bin/python benchmarks/extraction_speed.py --profile pdf   # cProfile, top functions
    .venv/bin/python benchmarks/extraction_speed.py --baseline DIR  # beside an older tree


Text PDFs: the dev set's (`/work/shared/data/invoices-dev`) and `--generated N` per family
of the corpus (`training.corpus`, seed 500, English, French and German). Each document is
read `--repeat` times by each engine in turn (the readers' caches of phrases and label
words emptied before each run) and its best run is kept, as process CPU
time (`time.process_time`: what the machine being shared does not inflate much) and wall
time. Photos: the dev set's PNG renders and `--photos N` generated receipt photos
(`synthetic_receipts.py`), read once each after a warm-up; OCR runs on ONNX Runtime's
own threads, so for photos the process CPU time counts them too.

`--baseline DIR` times the engines of another source tree (an older commit, e.g. from
`git archive COMMIT | tar -x -C DIR`) in the same run: a child process imports `app` from
DIR and reads the same documents, each document read by every engine in turn, so both
see the same load. The profile counts process CPU time, not wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# A baseline child imports `app` from the tree it is given, not from this one.
ROOT = Path(os.environ.get("DOSSIER_BENCH_ROOT") or Path(__file__).resolve().parents[1])
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from synthetic_receipts import make_cases  # noqa: E402

from app.extraction import Engine, load_engine  # noqa: E402

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
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="an older source tree")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.engines.split(","))
        return
    engines = {name: load_engine(ENGINES.get(name, name)) for name in args.engines.split(",")}
    kinds = set(args.kinds.split(","))
    pdfs = _pdf_cases(args.generated) if "pdf" in kinds else []
    photos = _photo_cases(args.photos) if "photo" in kinds else []
    print(f"load average at start {os.getloadavg()[0]:.1f}")
    if args.profile:
        _profile(next(iter(engines.values())), pdfs if args.profile == "pdf" else photos)
        return
    if pdfs:
        timers: dict[str, Timer] = {
            name: (lambda case, engine=engine: _timed(engine, case, cold=True))
            for name, engine in engines.items()
        }
        with _Baseline(args.baseline, pdfs, list(engines)) as baseline:
            timers |= baseline.timers
            for name, times in _per_page(timers, pdfs, args.repeat).items():
                _report(f"{name:17} text PDF per page", times)
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
        _empty_caches()
    wall, cpu = time.perf_counter(), time.process_time()
    result = engine.extract(data, content_type)
    return (
        time.process_time() - cpu,
        time.perf_counter() - wall,
        int(result.fields.get("pages", 1)),
    )


Timer = Callable[[Case], tuple[float, float, int]]


def _empty_caches() -> None:
    """Empty every cache of the extraction's modules (label words, names, phrases) but
    the model file's, which a worker reads once."""
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("app.extraction") or module is None:
            continue
        for name, value in vars(module).items():
            if hasattr(value, "cache_clear") and name != "load_model":
                value.cache_clear()


def _per_page(
    timers: dict[str, Timer], cases: Sequence[Case], repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """Each document read by every engine in turn, `repeat` times, the best run kept."""
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in timers}
    for case in cases:
        for _ in range(repeat):
            for name, timer in timers.items():
                found[name].append(timer(case))
        for name in timers:
            runs, found[name] = found[name][-repeat:], found[name][:-repeat]
            pages = runs[0][2]
            found[name].append((min(r[0] for r in runs) / pages, min(r[1] for r in runs) / pages))
    return found


class _Baseline:
    """The engines of another source tree, timed in a child process on the same cases."""

    def __init__(self, tree: Path | None, cases: Sequence[Case], engines: list[str]) -> None:
        self.tree, self.cases, self.engines = tree, list(cases), engines
        self.timers: dict[str, Timer] = {}

    def __enter__(self) -> _Baseline:
        if self.tree is None:
            return self
        self.file = tempfile.NamedTemporaryFile(suffix=".pickle")
        pickle.dump(self.cases, self.file)
        self.file.flush()
        self.child = subprocess.Popen(
            [sys.executable, __file__, "--serve", self.file.name,
             "--engines", ",".join(self.engines)],
            env={**os.environ, "DOSSIER_BENCH_ROOT": str(self.tree.resolve())},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        index = {id(case): i for i, case in enumerate(self.cases)}
        for name in self.engines:
            self.timers[f"{name}@baseline"] = lambda case, name=name: self._ask(
                name, index[id(case)]
            )
        return self

    def _ask(self, engine: str, case: int) -> tuple[float, float, int]:
        assert self.child.stdin is not None
        assert self.child.stdout is not None
        self.child.stdin.write(f"{engine} {case}\n")
        self.child.stdin.flush()
        cpu, wall, pages = json.loads(self.child.stdout.readline())
        return float(cpu), float(wall), int(pages)

    def __exit__(self, *_: object) -> None:
        if self.tree is None:
            return
        assert self.child.stdin is not None
        self.child.stdin.close()
        self.child.wait()
        self.file.close()


def _serve(cases_file: Path, names: Sequence[str]) -> None:
    """The child of `--baseline`: times the case it is asked for, one request a line."""
    engines = {name: load_engine(ENGINES.get(name, name)) for name in names}
    cases = pickle.loads(cases_file.read_bytes())
    for request in sys.stdin:
        name, index = request.split()
        print(json.dumps(_timed(engines[name], cases[int(index)], cold=True)), flush=True)


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
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _, data, content_type in cases:
        engine.extract(data, content_type)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
