"""Train the learned reader's model: `make train-extraction` (deterministic, seeded).

    .venv/bin/python -m training.train [--seed 0] [--per-family 8] [--out PATH]

Examples are the candidates of generated documents (`training.sources`), one per value
and field, labelled by whether the value is the field's truth. One logistic regression per
field; its weights are written as JSON (`app/extraction/learned/model.json`), which the
worker reads without scikit-learn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from app.extraction.learned.candidates import Candidate, feature_names
from app.extraction.learned.derived import DATE_FEATURES, DERIVED_FEATURES
from app.extraction.learned.model import MODEL_PATH
from app.extraction.learned.reader import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    TEXT_FIELDS,
    Prepared,
    prepare,
    text_feature_names,
)
from training.photos import photo_documents
from training.sources import ROOT, Document, corpus_documents, legacy_documents

if TYPE_CHECKING:  # scikit-learn is the `train` extra's: imported only to fit
    from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(ROOT / "benchmarks"))
from extraction_eval import same_value

FIELDS = (*AMOUNT_FIELDS, *DATE_FIELDS, *TEXT_FIELDS)
# Optional fields are given only above a probability; the one with the best accuracy on
# the training documents among these is kept.
_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
_REGULARISATION = 1.0
# Photos per photographed family and language (`training.photos`) and legacy receipt
# photos of each kind: read by OCR once, then from its cache.
PHOTOS_PER_FAMILY = 1
LEGACY_PHOTOS = 6


def training_documents(
    seed: int, per_family: int, *, photos: bool = True, variety: bool = True
) -> list[Document]:
    """The generated corpus (with the variety of `training.variety` unless `variety` is
    false), the benchmark generators' documents and, unless `photos` is false, photos of
    some of them read by OCR (drawn without variety)."""
    corpus = corpus_documents(seed, per_family, variety=variety)
    documents = [*corpus, *legacy_documents(seed, per_family * 2)]
    if photos:
        documents += photo_documents(seed, PHOTOS_PER_FAMILY, legacy=LEGACY_PHOTOS)
    return documents


def is_truth(field: str, candidate: Candidate, truth: dict[str, Any]) -> bool | None:
    """None: the truth does not say (the document is not used for that field)."""
    expected = truth.get(field)
    if field in truth.get("unscored", ()):
        return None
    if expected is None:
        return False
    if isinstance(candidate.value, str):
        return bool(same_value(field, candidate.value, expected))
    if isinstance(candidate.value, dt.date):
        return bool(candidate.value.isoformat() == expected)
    return abs(candidate.value) == abs(Decimal(str(expected)))


Example = tuple[Prepared, dict[str, Any]]


def examples(documents: Sequence[Document]) -> list[Example]:
    """Each document's candidates with its truth (computed once, fitted many times)."""
    return [(prepare(document.pages), document.truth) for document in documents]


def fit(prepared: Sequence[Example]) -> dict[str, Any]:
    """The model file's content, trained on the documents' candidates."""
    fields = {field: _fit_field(field, prepared, _names(field)) for field in FIELDS}
    return {"version": 1, "trained_on": f"{len(prepared)} documents", "fields": fields}


def _fit_field(field: str, prepared: Sequence[Example], names: Sequence[str]) -> dict[str, Any]:
    index = {name: column for column, name in enumerate(names)}
    rows: list[list[float]] = []
    labels: list[int] = []
    for read, truth in prepared:
        for candidate in _pool(field, read):
            label = is_truth(field, candidate, truth)
            if label is not None:
                rows.append(_vector(candidate, index))
                labels.append(int(label))
    x, y = np.array(rows), np.array(labels)
    if len(set(labels)) < 2:  # nothing to learn from: the field is never given
        return {"features": [], "weights": [], "intercept": -20.0, "threshold": 0.5,
                "examples": len(labels), "positives": int(y.sum())}  # fmt: skip
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=_REGULARISATION, max_iter=5000)
    model.fit(x, y)
    weights = [float(w) for w in model.coef_[0]]
    kept = [(name, round(w, 5)) for name, w in zip(names, weights, strict=True) if abs(w) > 1e-5]
    spec = {
        "features": [name for name, _ in kept],
        "weights": [w for _, w in kept],
        "intercept": round(float(model.intercept_[0]), 5),
        "threshold": 0.5,
        "examples": len(labels),
        "positives": int(y.sum()),
    }
    spec["threshold"] = _best_threshold(field, prepared, model, index)
    return spec


def _names(field: str) -> list[str]:
    """The features a field's candidates can carry (columns always 0 are left out)."""
    if field in TEXT_FIELDS:
        return text_feature_names(field)
    if field in AMOUNT_FIELDS:
        return [*feature_names(), *DERIVED_FEATURES]
    return [*feature_names(), *DATE_FEATURES]


def _pool(field: str, read: Prepared) -> list[Candidate]:
    if field in TEXT_FIELDS:
        return read.suppliers if field == "supplier" else read.numbers
    return read.amounts if field in AMOUNT_FIELDS else read.dates


def _vector(candidate: Candidate, index: dict[str, int]) -> list[float]:
    vector = [0.0] * len(index)
    for name, value in candidate.features.items():
        if name in index:
            vector[index[name]] = value
    return vector


def _best_threshold(
    field: str,
    prepared: Sequence[Example],
    model: LogisticRegression,
    index: dict[str, int],
) -> float:
    """The threshold under which an optional field is left empty (the supplier and the
    number: left to the rules), chosen on the training documents (a right 'nothing' or a
    right fallback counts as much as a right value)."""
    outcomes: list[tuple[float, bool, bool]] = []  # best probability, right pick, fallback right
    for read, truth in prepared:
        pool = _pool(field, read)
        if not pool or field in truth.get("unscored", ()):
            continue
        probabilities = model.predict_proba(np.array([_vector(c, index) for c in pool]))[:, 1]
        best = int(np.argmax(probabilities))
        right = bool(is_truth(field, pool[best], truth))
        outcomes.append((float(probabilities[best]), right, _fallback_right(field, read, truth)))
    if not outcomes:
        return 0.5

    def accuracy(threshold: float) -> int:
        return sum((right if p >= threshold else fallback) for p, right, fallback in outcomes)

    return max(_THRESHOLDS, key=lambda t: (accuracy(t), -abs(t - 0.5)))


def _fallback_right(field: str, read: Prepared, truth: dict[str, Any]) -> bool:
    """Whether what stands below the threshold is right: the rules' answer for the
    supplier and the number, nothing for the optional amounts and dates."""
    if field in TEXT_FIELDS:
        return truth.get(field) is not None and same_value(field, read.rules[field], truth[field])
    return truth.get(field) is None


def write_model(model: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-family", type=int, default=8)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--no-photos", action="store_true", help="text documents only (no OCR, no cache)"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    documents = training_documents(args.seed, args.per_family, photos=not args.no_photos)
    model = fit(examples(documents))
    write_model(model, args.out)
    for field, spec in model["fields"].items():
        print(
            f"{field:11} {spec['examples']:6} candidates, {spec['positives']:5} right,"
            f" threshold {spec['threshold']}"
        )
    photos = sum(d.kind == "photo" for d in documents)
    print(
        f"{len(documents)} documents ({photos} photos) -> {args.out}"
        f" ({args.out.stat().st_size} bytes)"
    )


if __name__ == "__main__":
    main()
