"""Field accuracy and time per document of an extraction engine.

    .venv/bin/python benchmarks/extraction_eval.py /work/shared/data/invoices-dev
    .venv/bin/python benchmarks/extraction_eval.py --synthetic 24
    .venv/bin/python benchmarks/extraction_eval.py DIR --verbose --engine module:Class
    .venv/bin/python benchmarks/extraction_eval.py --boxes DIR
    .venv/bin/python benchmarks/extraction_eval.py --einvoices 70 --einvoice-xml 70
    .venv/bin/python benchmarks/extraction_eval.py DIR --generated 4

`--generated N` adds the learned reader's figures on the generated corpus (N documents
per family and language): leave-one-family-out and the frozen held-out split, rules
before and learned reader after (training/evaluate.py; needs the `train` extra).

DIR holds documents (.pdf, .png, .jpg, .txt) each beside a JSON file of the same stem
with the expected values (`issuer`, `date`, `amount`, `amount_tax` or `amount_untaxed`,
`currency`, `invoice_number`), as in the invoice2data test set. `--synthetic N` adds N
receipt photos rendered on the spot, `--hard N` harder ones (see synthetic_receipts.py),
`--invoices N` scanned A4 invoices (synthetic_invoices.py), `--credit-notes N` scanned
credit notes (negative total and tax), `--brands N` invoices of a brand issued by a
company of another name, `--sideways N` receipt photos turned a quarter with no EXIF tag,
`--upside-down N` receipt photos turned 180 degrees with no EXIF tag, `--einvoices N` PDFs
with their e-invoice XML attached (Factur-X at every profile, XRechnung, ZUGFeRD 1.0) and
`--einvoice-xml N` standalone CII and UBL files (see einvoice_sets.py). `--boxes DIR` reads
receipts given as positioned text lines with their key fields (the ICDAR 2019 SROIE
layout, see box_receipts.py) straight into the field reader: perfect OCR text, no OCR.

A supplier matches when one name's words all appear in the other once legal forms are
dropped ('Coolblue B.V.' ~ 'Coolblue'); a number matches without '#', spaces or case;
amounts within half a cent. Tax is scored only where the truth gives it (`amount_tax`,
or `amount - amount_untaxed` when they differ).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from box_receipts import BoxCase, read_box_cases, same_supplier  # noqa: E402
from einvoice_sets import make_embedded, make_standalone  # noqa: E402
from synthetic_invoices import make_invoices  # noqa: E402
from synthetic_receipts import make_cases, make_sideways, make_upside_down  # noqa: E402

from app.domain.filetypes import sniff  # noqa: E402
from app.errors import UnreadableDocument  # noqa: E402
from app.extraction import Engine, load_engine  # noqa: E402
from app.extraction.fields import read_fields  # noqa: E402

FIELDS = ("supplier", "date", "total", "tax", "currency", "invoice_number")
_SUFFIXES = re.compile(
    r"\b(?:b ?v|n ?v|gmbh|ag|sa|sas|sarl|ltd|limited|inc|llc|plc|pvt|private|corp|co"
    r"|spolka akcyjna|s ?a)\b"
)


@dataclass
class Outcome:
    name: str
    kind: str
    seconds: float
    # CPU seconds of the calling thread: steadier than wall time on a shared machine.
    # OCR also runs on ONNX Runtime's own threads, so for scans only wall time counts.
    cpu: float
    pages: int
    scores: dict[str, bool | None]  # None: no expected value
    found: dict[str, Any]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    parser.add_argument("--hard", type=int, default=0, metavar="N", help="harder receipts")
    parser.add_argument("--invoices", type=int, default=0, metavar="N", help="scanned A4 invoices")
    parser.add_argument("--credit-notes", type=int, default=0, metavar="N")
    parser.add_argument("--brands", type=int, default=0, metavar="N", help="brand invoices")
    parser.add_argument("--sideways", type=int, default=0, metavar="N", help="turned photos")
    parser.add_argument("--upside-down", type=int, default=0, metavar="N", help="180° photos")
    parser.add_argument("--einvoices", type=int, default=0, metavar="N", help="PDFs with XML")
    parser.add_argument("--einvoice-xml", type=int, default=0, metavar="N", help="CII/UBL XML")
    parser.add_argument("--boxes", type=Path, metavar="DIR", help="text lines + key fields")
    parser.add_argument("--seed", type=int, default=0, help="other generated documents")
    parser.add_argument("--engine", default="app.extraction.engine:InvoiceEngine")
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    parser.add_argument("--generated", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.generated:
        _generated(args.generated)
    engine = load_engine(args.engine)
    cases = _directory_cases(args.directory) if args.directory else []
    generated = [
        *make_cases(args.synthetic, seed=7 + args.seed),
        *make_cases(args.hard, seed=11 + args.seed, hard=True),
        *make_invoices(args.invoices, seed=3 + args.seed),
        *make_invoices(args.credit_notes, seed=5 + args.seed, variant="credit"),
        *make_invoices(args.brands, seed=13 + args.seed, variant="brand"),
        *make_sideways(args.sideways, seed=19 + args.seed),
        *make_upside_down(args.upside_down, seed=23 + args.seed),
        *make_embedded(args.einvoices, seed=31 + args.seed),
        *make_standalone(args.einvoice_xml, seed=37 + args.seed),
    ]
    cases += [(c.name, c.data, c.truth) for c in generated]
    box_cases, unreadable_dates = read_box_cases(args.boxes) if args.boxes else ([], 0)
    if not cases and not box_cases and args.generated:
        return
    if not cases and not box_cases:
        parser.error("give a directory, or a number of generated documents (see --help)")
    if cases:
        _warm_up(engine)
    outcomes = [_run(engine, name, data, truth) for name, data, truth in cases]
    outcomes += [_run_boxes(case) for case in box_cases]
    _report(outcomes, args.verbose)
    if unreadable_dates:
        print(f"\nunreadable_truths: {unreadable_dates} receipt dates in no known form, not scored")


def _generated(per_family: int) -> None:
    from training.evaluate import held_out, leave_one_family_out
    from training.train import training_documents

    leave_one_family_out(training_documents(0, per_family))
    held_out(per_family)
    print()


def _warm_up(engine: Engine) -> None:
    """Load the OCR models before timing: a worker does it once, not per document."""
    started = time.perf_counter()
    try:
        engine.extract(make_cases(1, seed=1)[0].data, "image/jpeg")
    except UnreadableDocument:
        return
    print(f"warm-up (loading models, one receipt): {time.perf_counter() - started:.2f} s\n")


def _directory_cases(directory: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    cases = []
    for path in sorted(directory.iterdir()):
        truth_path = path.with_suffix(".json")
        if path.suffix.lower() in {".pdf", ".png", ".jpg", ".jpeg", ".txt"} and truth_path.exists():
            truth = json.loads(truth_path.read_text())
            cases.append(
                (path.name, path.read_bytes(), truth[0] if isinstance(truth, list) else truth)
            )
    return cases


def _run(engine: Engine, name: str, data: bytes, truth: dict[str, Any]) -> Outcome:
    content_type = sniff(data) or "application/octet-stream"
    kind = {"application/pdf": "pdf", "text/plain": "text", "application/xml": "xml"}.get(
        content_type, "image"
    )
    cpu_started = time.thread_time()
    try:
        result = engine.extract(data, content_type)
    except UnreadableDocument as error:
        print(f"{name}: unreadable: {error.message}")
        return Outcome(name, kind, 0.0, 0.0, 0, dict.fromkeys(FIELDS, False), {})
    cpu = time.thread_time() - cpu_started
    if result.engine.endswith("/ocr") and kind == "pdf":
        kind = "scanned pdf"
    if result.engine.startswith("einvoice/"):
        kind = f"e-inv {kind}"
    found = {field: result.fields.get(field) for field in FIELDS}
    pages = int(result.fields.get("pages", 1))
    return Outcome(name, kind, result.seconds, cpu, pages, _scores(found, _expected(truth)), found)


def _run_boxes(case: BoxCase) -> Outcome:
    """The field reader alone, on a page of boxes as the OCR path would build it."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    fields = read_fields([case.page])
    seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
    found = {field: fields.get(field) for field in FIELDS}
    expected = _expected(case.truth)
    scores = _scores(found, expected)
    if scores["supplier"] is not None:  # the stricter rule of box_receipts.py
        scores["supplier"] = same_supplier(str(found["supplier"] or ""), expected["supplier"])
    return Outcome(case.name, "boxes", seconds, cpu, 1, scores, found)


def _scores(found: dict[str, Any], expected: dict[str, Any]) -> dict[str, bool | None]:
    return {
        field: None if expected[field] is None else same_value(field, found[field], expected[field])
        for field in FIELDS
    }


def _expected(truth: dict[str, Any]) -> dict[str, Any]:
    tax = truth.get("amount_tax")
    if tax is None and truth.get("amount") is not None and truth.get("amount_untaxed") is not None:
        difference = Decimal(str(truth["amount"])) - Decimal(str(truth["amount_untaxed"]))
        tax = difference if difference else None
    return {
        "supplier": truth.get("issuer"),
        "date": truth.get("date"),
        "total": truth.get("amount"),
        "tax": tax,
        "currency": truth.get("currency"),
        "invoice_number": truth.get("invoice_number"),
    }


def same_value(field: str, found: Any, expected: Any) -> bool:
    """Whether a field was read right (the rules in this module's docstring)."""
    if found is None:
        return False
    if field in {"total", "tax", "net", "amount_due"}:
        return abs(Decimal(str(found)) - Decimal(str(expected))) <= Decimal("0.005")
    if field == "supplier":
        ours, theirs = _name_words(str(found)), _name_words(str(expected))
        return bool(ours and theirs) and (ours <= theirs or theirs <= ours)
    if field == "invoice_number":
        return _plain(str(found)) == _plain(str(expected))
    return str(found) == str(expected)


def _name_words(name: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    folded = _SUFFIXES.sub(" ", re.sub(r"[^a-z0-9 ]", " ", folded.replace(".", "")))
    return set(folded.split())


def _plain(number: str) -> str:
    return re.sub(r"[\s#]", "", number).casefold()


def _report(outcomes: list[Outcome], verbose: bool) -> None:
    print(f"{'document':34} {'kind':11} {'s':>6}  " + " ".join(f"{f[:8]:>8}" for f in FIELDS))
    for o in outcomes:
        marks = " ".join(f"{_mark(o.scores[f]):>8}" for f in FIELDS)
        print(f"{o.name[:34]:34} {o.kind:11} {o.seconds:6.3f}  {marks}")
        if verbose:
            for field in FIELDS:
                if o.scores[field] is False:
                    print(f"    {field}: got {o.found.get(field)!r}")
    print("\nfield accuracy (documents with an expected value)")
    for field in FIELDS:
        scored = [o.scores[field] for o in outcomes if o.scores[field] is not None]
        hits = sum(1 for s in scored if s)
        share = 100 * hits / len(scored) if scored else 0.0
        print(f"  {field:15} {hits:3}/{len(scored):<3} {share:5.1f} %")
    _accuracy_by_kind(outcomes)
    print(f"\ntime per document by kind (load average {os.getloadavg()[0]:.1f})")
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
    for kind, group in sorted(by_kind.items()):
        seconds = [o.seconds for o in group]
        per_page = statistics.median(o.seconds / max(o.pages, 1) for o in group)
        cpu_per_page = statistics.median(o.cpu / max(o.pages, 1) for o in group)
        print(
            f"  {kind:11} n={len(group):<3} median {statistics.median(seconds):.3f} s"
            f"  max {max(seconds):.3f} s  per page: median {per_page:.4f} s,"
            f" thread CPU {cpu_per_page:.4f} s"
        )


def _accuracy_by_kind(outcomes: list[Outcome]) -> None:
    kinds = sorted({o.kind for o in outcomes})
    if len(kinds) < 2:
        return
    print(f"\nby kind: {'kind':11} " + " ".join(f"{f[:8]:>8}" for f in FIELDS))
    for kind in kinds:
        cells = []
        for field in FIELDS:
            scored = [o.scores[field] for o in outcomes if o.kind == kind]
            scored = [score for score in scored if score is not None]
            hits = sum(1 for score in scored if score)
            cells.append(f"{100 * hits / len(scored):7.1f}%" if scored else f"{'-':>8}")
        print(f"         {kind:11} " + " ".join(cells))


def _mark(score: bool | None) -> str:
    return "-" if score is None else ("ok" if score else "MISS")


if __name__ == "__main__":
    main()
