"""Generated invoices, credit notes and receipts with their truth, for training and evaluation.

    python -m training.corpus --out DIR --seed 1 --per-family 5 [--kinds pdf,photo]

writes each document with a JSON file of its truth beside it. The same seed gives the same
bytes: every document draws from its own generator seeded by (seed, family, language,
index), so asking for fewer families or languages does not change the others.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from training.document import Document, make_document
from training.families import ALL, BY_NAME
from training.render_photo import photograph
from training.variety import vary

FAMILIES: tuple[str, ...] = tuple(family.name for family in ALL)
LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "nl", "es", "it")
KINDS = {"pdf": "application/pdf", "photo": "image/jpeg"}
# The keys of `Sample.truth`, in order.
TRUTH_KEYS = (
    "supplier",
    "date",
    "due_date",
    "total",
    "net",
    "tax",
    "amount_due",
    "currency",
    "invoice_number",
    "document_type",
)


@dataclass(frozen=True)
class Sample:
    """One rendered document and what a reader should extract from it.

    `truth`: amounts as "1234.50", negative on credit notes; dates ISO; `total` is the
    grand total with tax, `amount_due` what is left to pay after prepayments (the total
    when nothing was prepaid); None where the document does not show the field.
    """

    family: str
    language: str
    kind: str
    content_type: str
    data: bytes
    truth: dict[str, str | None]


@dataclass(frozen=True)
class Rendered:
    """A sample with the document it was drawn from (what tests check the text against)."""

    sample: Sample
    document: Document


def generate(
    seed: int,
    per_family: int,
    *,
    families: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    kinds: Sequence[str] = ("pdf",),
    variety: bool = False,
) -> Iterator[Sample]:
    """`per_family` documents for every (family, language), each rendered in every kind;
    `variety`: with the training variety of `training.variety`."""
    rendered = generate_rendered(
        seed, per_family, families=families, languages=languages, kinds=kinds, variety=variety
    )
    return (item.sample for item in rendered)


def generate_rendered(
    seed: int,
    per_family: int,
    *,
    families: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    kinds: Sequence[str] = ("pdf",),
    variety: bool = False,
) -> Iterator[Rendered]:
    """Like `generate`, with each sample's document; bad arguments fail before any work."""
    chosen_families = _check("family", families, FAMILIES)
    chosen_languages = _check("language", languages, LANGUAGES)
    chosen_kinds = _check("kind", kinds, tuple(KINDS))
    if per_family < 0:
        raise ValueError(f"per_family must not be negative, got {per_family}")
    return _render_all(seed, per_family, chosen_families, chosen_languages, chosen_kinds, variety)


def _render_all(
    seed: int,
    per_family: int,
    families: Sequence[str],
    languages: Sequence[str],
    kinds: Sequence[str],
    variety: bool,
) -> Iterator[Rendered]:
    for name in families:
        family = BY_NAME[name]
        for language in languages:
            for index in range(per_family):
                key = f"{seed}/{name}/{language}/{index}"
                rng = random.Random(key)
                document = make_document(rng, language, family.spec)
                if variety:
                    vary(document, random.Random(f"{key}/variety"), name)
                pdf = family.draw(document, rng)
                for kind in kinds:
                    data = pdf if kind == "pdf" else _photo(pdf, key, family.narrow)
                    sample = Sample(name, language, kind, KINDS[kind], data, document.truth())
                    yield Rendered(sample, document)


def _photo(pdf: bytes, key: str, narrow: bool) -> bytes:
    return photograph(pdf, random.Random(f"{key}/photo"), narrow=narrow)


def _check(what: str, chosen: Sequence[str] | None, known: tuple[str, ...]) -> tuple[str, ...]:
    if chosen is None:
        return known
    if isinstance(chosen, str):
        raise TypeError(f"give the {what} names as a sequence, not the string {chosen!r}")
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return tuple(chosen)


def write(out: Path, samples: Iterator[Sample]) -> int:
    """Each sample as `family-language-NNN.pdf|jpg` with `….json` holding its truth."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[tuple[str, str, str], int] = {}
    written = 0
    for sample in samples:
        slot = (sample.family, sample.language, sample.kind)
        index = counts.get(slot, 0)
        counts[slot] = index + 1
        suffix = "pdf" if sample.kind == "pdf" else "jpg"
        stem = f"{sample.family}-{sample.language}-{index:03d}"
        (out / f"{stem}.{suffix}").write_bytes(sample.data)
        truth = {"family": sample.family, "language": sample.language, **sample.truth}
        (out / f"{stem}.{suffix}.json").write_text(
            json.dumps(truth, indent=2, ensure_ascii=False) + "\n"
        )
        written += 1
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--per-family", type=int, default=5, help="documents per family and language"
    )
    parser.add_argument("--kinds", default="pdf", help="comma-separated: pdf, photo")
    parser.add_argument("--families", default=None, help="comma-separated family names")
    parser.add_argument("--languages", default=None, help="comma-separated: en,fr,de,nl,es,it")
    args = parser.parse_args(argv)

    def split(value: str | None) -> list[str] | None:
        return None if value is None else [part.strip() for part in value.split(",") if part]

    try:
        samples = generate(
            args.seed,
            args.per_family,
            families=split(args.families),
            languages=split(args.languages),
            kinds=split(args.kinds) or (),
        )
        written = write(args.out, samples)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {written} documents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
