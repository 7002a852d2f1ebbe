"""A digest of everything the extraction reads on a fixed set of documents: to show that a
change meant to be faster reads exactly what it read before.

    .venv/bin/python benchmarks/extraction_fingerprint.py [--save FILE] [--compare FILE]

Documents: the dev set's text PDFs (`/work/shared/data/invoices-dev`), the generated
corpus's text PDFs (`training.corpus`, seeds 0 and 1000, `--per-family 2`: every family and
language) read through the engine's PDF path. For each document it hashes the lines
read, every candidate of the learned reader (amounts, dates, supplier names, invoice
numbers: value, place and features, floats exactly; features sorted by name, since the
order they are built in follows the process's string hashing), the rules' answer and the
learned reader's fields. The same digest before and after a change means the same
features, hence the same trained model and the same figures. `--save` writes one digest
per document; `--compare` names the documents whose digest changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from app.extraction.fields import read_fields  # noqa: E402
from app.extraction.learned.reader import prepare, read_learned  # noqa: E402
from training.sources import Document, corpus_documents, dev_documents  # noqa: E402

SEEDS = (0, 1000)


def documents(per_family: int) -> Iterator[Document]:
    yield from dev_documents()
    for seed in SEEDS:
        yield from corpus_documents(seed, per_family)


def fingerprint(document: Document) -> str:
    """The digest of one document's reading."""
    read = prepare(document.pages)
    pools = {
        "amounts": read.amounts,
        "dates": read.dates,
        "suppliers": read.suppliers,
        "numbers": read.numbers,
    }
    content: dict[str, Any] = {
        "lines": [[line.text for line in page.lines] for page in document.pages],
        "candidates": {
            name: [
                [
                    str(c.value),
                    c.row.index,
                    c.start,
                    c.end,
                    sorted([k, repr(v)] for k, v in c.features.items()),
                ]
                for c in pool
            ]
            for name, pool in pools.items()
        },
        "prepared": [read.rules, read.credit, read.brand],
        "rules": read_fields(document.pages),
        "learned": read_learned(document.pages),
    }
    raw = json.dumps(content, sort_keys=False, default=str, ensure_ascii=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=2)
    parser.add_argument("--save", type=Path, help="write each document's digest (JSON)")
    parser.add_argument("--compare", type=Path, help="name the documents that differ from FILE")
    args = parser.parse_args()
    digests: dict[str, str] = {}
    for document in documents(args.per_family):
        digests[document.name] = fingerprint(document)
    whole = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()
    print(f"{len(digests)} documents, digest {whole}")
    if args.save:
        args.save.write_text(json.dumps(digests, indent=1, sort_keys=True))
    if args.compare:
        before = json.loads(args.compare.read_text())
        changed = sorted(name for name in digests.keys() | before.keys()
                         if digests.get(name) != before.get(name))  # fmt: skip
        print(f"{len(changed)} documents read differently from {args.compare}")
        for name in changed[:40]:
            print(f"  {name}")
        sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
