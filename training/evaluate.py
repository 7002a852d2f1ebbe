"""Measure the learned reader against the rules on documents it was not trained on.

    .venv/bin/python -m training.evaluate [--per-family 8] [--lofo] [--held-out] [--dev]

- leave-one-family-out: for each layout family, a model trained on all the others reads
  that family's documents;
- held out: a model trained on the training seeds reads documents of other seeds, of
  families and languages it never saw (`HELD_OUT_FAMILIES`, `HELD_OUT_LANGUAGES`); these
  are frozen: never tune on them;
- dev: the real invoices of /work/shared/data/invoices-dev (never trained on).
Each prints accuracy per field for the rules ("before") and the learned reader ("after").
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from app.extraction.fields import read_fields
from app.extraction.learned.model import parse_model
from app.extraction.learned.reader import read_learned
from training.sources import ROOT, Document, dev_documents
from training.train import examples, fit, training_documents

sys.path.insert(0, str(ROOT / "benchmarks"))
from extraction_eval import same_value

SCORED = ("supplier", "date", "due_date", "total", "net", "tax", "amount_due", "currency",
          "invoice_number")  # fmt: skip
# Frozen held-out split: seeds from this one on, and these families and languages, are
# never trained or tuned on.
HELD_OUT_SEED = 1000
HELD_OUT_FAMILIES = ("receipt-hard",)
HELD_OUT_LANGUAGES = ("it",)

Tally = dict[str, list[bool]]


def score(found: dict[str, Any], truth: dict[str, Any]) -> dict[str, bool]:
    """Field -> right or not, for the fields the truth gives (a None due date or net
    counts: reading one where there is none is a miss)."""
    scores = {}
    for field in SCORED:
        if field in truth.get("unscored", ()) or field not in truth:
            continue
        expected = truth[field]
        if expected is None:
            if field in {"due_date", "net", "tax"}:
                scores[field] = found.get(field) is None
            continue
        scores[field] = same_value(field, found.get(field), expected)
    return scores


VERBOSE = False


def measure(model: dict[str, Any], documents: Iterable[Document]) -> tuple[Tally, Tally]:
    """(before, after) tallies: per field, one boolean per document. The rules give no
    net, amount due or due date: those are tallied for the learned reader only."""
    learned = parse_model(model)
    before: Tally = defaultdict(list)
    after: Tally = defaultdict(list)
    for document in documents:
        rules = read_fields(document.pages)
        for field, right in score(rules, document.truth).items():
            if field in rules:
                before[field].append(right)
        found = read_learned(document.pages, learned)
        for field, right in score(found, document.truth).items():
            after[field].append(right)
            if VERBOSE and not right:
                expected = document.truth[field]
                print(f"    {document.name}: {field} {found.get(field)!r}, not {expected!r}")
    return before, after


def report(title: str, before: Tally, after: Tally) -> None:
    print(f"\n{title}\n  {'field':15} {'before':>14} {'after':>14}")
    for field in SCORED:
        if field in after:
            print(f"  {field:15} {_share(before[field]):>14} {_share(after[field]):>14}")


def _share(results: Sequence[bool]) -> str:
    if not results:
        return "-"
    return f"{sum(results)}/{len(results)} {100 * sum(results) / len(results):5.1f} %"


def leave_one_family_out(documents: Sequence[Document]) -> None:
    families = sorted({d.family for d in documents})
    prepared = examples(documents)
    before: Tally = defaultdict(list)
    after: Tally = defaultdict(list)
    for family in families:
        model = fit([p for p, d in zip(prepared, documents, strict=True) if d.family != family])
        one_before, one_after = measure(model, [d for d in documents if d.family == family])
        report(f"family {family} (trained without it)", one_before, one_after)
        for field in SCORED:
            before[field] += one_before.get(field, [])
            after[field] += one_after.get(field, [])
    report(f"leave-one-family-out, all {len(families)} families", before, after)


def held_out(per_family: int) -> None:
    train = [d for d in training_documents(0, per_family) if not _held_out(d)]
    test = [d for d in training_documents(HELD_OUT_SEED, per_family) if _held_out(d)]
    model = fit(examples(train))
    report(
        f"held out: {len(test)} documents of families {HELD_OUT_FAMILIES} or languages"
        f" {HELD_OUT_LANGUAGES}, seed {HELD_OUT_SEED}",
        *measure(model, test),
    )
    by_language: dict[str, list[Document]] = defaultdict(list)
    for document in test:
        by_language[document.language].append(document)
    for language, group in sorted(by_language.items()):
        report(f"held out, language {language}", *measure(model, group))


def _held_out(document: Document) -> bool:
    return document.family in HELD_OUT_FAMILIES or document.language in HELD_OUT_LANGUAGES


def dev(model: dict[str, Any]) -> None:
    report("dev set (real invoices, never trained on)", *measure(model, dev_documents()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=8)
    parser.add_argument("--lofo", action="store_true", help="leave-one-family-out")
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    everything = not (args.lofo or args.held_out or args.dev)
    if args.lofo or everything:
        leave_one_family_out(training_documents(0, args.per_family))
    if args.held_out or everything:
        held_out(args.per_family)
    if args.dev or everything:
        import json

        from app.extraction.learned.model import MODEL_PATH

        dev(json.loads(MODEL_PATH.read_text()))


if __name__ == "__main__":
    main()
