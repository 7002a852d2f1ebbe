"""Measure the learned reader against the rules on documents it was not trained on.

    .venv/bin/python -m training.evaluate [--per-family 8] [--lofo] [--held-out] [--dev]

- leave-one-family-out: for each layout family, a model trained on all the others reads
  that family's documents;
- held out: a model trained on the training seeds reads documents of other seeds, of
  families and languages it never saw (`HELD_OUT_FAMILIES`, `HELD_OUT_LANGUAGES`); these
  are frozen: never tune on them;
- dev: the real invoices of /work/shared/data/invoices-dev (never trained on), the PDFs
  and, apart, the PNG renders read by OCR;
- unseen: the committed model on the new producers of `training.unseen` (eight layout
  families with their own words, in EN, FR and DE; never trained on), by family and
  language.
Each prints accuracy per field for the rules ("before") and the learned reader ("after");
photos (`training.photos`, read through the OCR cache) are reported apart from text PDFs.
`--no-train-photos` trains without photos (as the models before photos were trained).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.extraction.fields import read_fields
from app.extraction.learned.model import parse_model
from app.extraction.learned.reader import read_learned
from training.photos import legacy_photos, photo_documents, read_photo
from training.sources import DEV_SET, ROOT, Document, _from_dev, dev_documents
from training.train import (
    LEGACY_PHOTOS,
    PHOTOS_PER_FAMILY,
    examples,
    fit,
    training_documents,
)

sys.path.insert(0, str(ROOT / "benchmarks"))
from extraction_eval import same_value

SCORED = ("supplier", "date", "due_date", "total", "net", "tax", "amount_due", "currency",
          "invoice_number")  # fmt: skip
# Frozen held-out split: seeds from this one on, and these families and languages, are
# never trained or tuned on.
HELD_OUT_SEED = 1000
HELD_OUT_FAMILIES = ("receipt-hard",)
HELD_OUT_LANGUAGES = ("it",)
# Held-out photos: per photographed family, Italian, and hard legacy receipt photos of
# seed HELD_OUT_SEED.
HELD_OUT_PHOTOS = 2
HELD_OUT_LEGACY_PHOTOS = 12
TRAIN_PHOTOS = True

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


def leave_one_family_out(documents: Sequence[Document], photos: Sequence[Document]) -> None:
    """Each family read by a model trained on the others; its photos, when the photo set
    has the family, read by the same model (trained with the other families' photos
    unless `--no-train-photos`) and reported apart."""
    families = sorted({d.family for d in documents})
    everything = [*documents, *photos]
    prepared = examples(everything)
    trained_on = [
        (p, d) for p, d in zip(prepared, everything, strict=True) if d.kind == "pdf" or TRAIN_PHOTOS
    ]
    totals: dict[str, tuple[Tally, Tally]] = {
        kind: (defaultdict(list), defaultdict(list)) for kind in ("pdf", "photo")
    }
    for family in families:
        model = fit([p for p, d in trained_on if d.family != family])
        for kind, (before, after) in totals.items():
            read = [d for d in everything if d.family == family and d.kind == kind]
            if not read:
                continue
            one_before, one_after = measure(model, read)
            report(f"family {family}, {kind} (trained without it)", one_before, one_after)
            for field in SCORED:
                before[field] += one_before.get(field, [])
                after[field] += one_after.get(field, [])
    report(f"leave-one-family-out, all {len(families)} families, text", *totals["pdf"])
    report(
        f"leave-one-family-out, photos ({len(photos)} of"
        f" {len({d.family for d in photos})} families)",
        *totals["photo"],
    )


def held_out(per_family: int) -> None:
    train = [d for d in training_documents(0, per_family, photos=TRAIN_PHOTOS) if not _held_out(d)]
    # The frozen split is drawn without the training variety: the same documents as ever.
    test = [
        d
        for d in training_documents(HELD_OUT_SEED, per_family, photos=False, variety=False)
        if _held_out(d)
    ]
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
    photos = held_out_photos()
    report(
        f"held out, photos: {len(photos)} (Italian corpus photos and hard receipt photos,"
        f" seed {HELD_OUT_SEED})",
        *measure(model, photos),
    )
    for family in sorted({d.family for d in photos}):
        group = [d for d in photos if d.family == family]
        report(f"held out, photos of {family}", *measure(model, group))


def held_out_photos() -> list[Document]:
    """The frozen held-out photo set (never trained or tuned on)."""
    corpus = photo_documents(HELD_OUT_SEED, HELD_OUT_PHOTOS, languages=HELD_OUT_LANGUAGES)
    hard = legacy_photos(HELD_OUT_SEED, HELD_OUT_LEGACY_PHOTOS, plain=False)
    return [*corpus, *hard]


def _held_out(document: Document) -> bool:
    return document.family in HELD_OUT_FAMILIES or document.language in HELD_OUT_LANGUAGES


def dev(model: dict[str, Any]) -> None:
    report("dev set (real invoices, never trained on)", *measure(model, dev_documents()))
    report("dev set, PNG renders read by OCR", *measure(model, dev_photos()))


def dev_photos() -> list[Document]:
    found = []
    for path in sorted(DEV_SET.glob("*.png")):
        raw = json.loads(path.with_suffix(".json").read_text())
        truth = raw[0] if isinstance(raw, list) else raw
        page = read_photo(path.read_bytes())
        found.append(Document(path.name, "dev", truth.get("lang", "?"), [page], _from_dev(truth),
                              kind="photo"))  # fmt: skip
    return found


def unseen(model: dict[str, Any], per_family: int) -> None:
    """The committed model on the new producers (`training.unseen`), by family and language."""
    from app.extraction.engine import _read_pdf
    from training import unseen as producers

    documents = []
    for index, sample in enumerate(producers.generate(producers.SEED, per_family)):
        pages, _ = _read_pdf(sample.data)
        name = f"{sample.family}-{sample.language}-{index}"
        documents.append(Document(name, sample.family, sample.language, pages, sample.truth))
    report(f"unseen producers: {len(documents)} text PDFs", *measure(model, documents))
    for key in ("language", "family"):
        groups: dict[str, list[Document]] = defaultdict(list)
        for document in documents:
            groups[getattr(document, key)].append(document)
        for value, group in sorted(groups.items()):
            report(f"unseen producers, {key} {value}", *measure(model, group))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=8)
    parser.add_argument("--lofo", action="store_true", help="leave-one-family-out")
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument("--dev", action="store_true")
    parser.add_argument(
        "--unseen", action="store_true", help="the committed model on the new producers"
    )
    parser.add_argument(
        "--model", type=Path, default=None, help="for --dev and --unseen: another model file"
    )
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    parser.add_argument(
        "--no-train-photos", action="store_true", help="train the models on text only"
    )
    args = parser.parse_args()
    global VERBOSE, TRAIN_PHOTOS
    VERBOSE = args.verbose
    TRAIN_PHOTOS = not args.no_train_photos
    everything = not (args.lofo or args.held_out or args.dev or args.unseen)
    if args.lofo or everything:
        leave_one_family_out(
            training_documents(0, args.per_family, photos=False),
            list(photo_documents(0, PHOTOS_PER_FAMILY, legacy=LEGACY_PHOTOS)),
        )
    if args.held_out or everything:
        held_out(args.per_family)
    from app.extraction.learned.model import MODEL_PATH

    committed = json.loads((args.model or MODEL_PATH).read_text())
    if args.dev or everything:
        dev(committed)
    if args.unseen:
        unseen(committed, args.per_family)


if __name__ == "__main__":
    main()
