"""Photos of generated documents, read through the engine's own OCR path, for training and
measuring the learned reader on what OCR makes of a page (docs/extraction.md, "Photos in
training and evaluation").

OCR costs seconds of CPU per photo, so each reading is kept on disk: the boxes the OCR
returned (text and geometry, the page turned upright) under a hash of the image's bytes,
the OCR settings (`ocr.SETTINGS`, the recognition floor, the size photos are shrunk to),
the RapidOCR version and the source of `app/extraction/ocr.py`. The same photo read
with the same OCR is read from the cache; anything else about the OCR reads it again.
The cache lives outside git: `$DOSSIER_TRAINING_CACHE`, else `~/.cache/dossier-training`.
A cold cache costs the OCR of every photo once; a warm one, milliseconds per photo, so
training stays deterministic (the cached reading is the one trained on) and cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path

from app.extraction import ocr
from app.extraction.layout import Box, Page, group_lines
from training.corpus import generate
from training.sources import ROOT, Document

# The photo set: the receipt families (photographed in practice) and two single-page
# invoice families whose misses are known (several VAT rates, an advance deducted). A
# photo shows the document's last page, so multi-page families are left out: their date
# and supplier are not on it. Sized for the shared 2-core machine: a cold cache costs
# about 3.5 s of CPU per receipt photo, 6 s per A4 photo (docs/extraction.md).
PHOTO_FAMILIES: tuple[str, ...] = (
    "receipt-till",
    "receipt-restaurant",
    "receipt-fuel",
    "cash-receipt",
    "vat-breakdown",
    "final-invoice",
)
_CACHE_FORMAT = 1


def cache_dir() -> Path:
    configured = os.environ.get("DOSSIER_TRAINING_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "dossier-training"
    return base / "ocr"


@cache
def _ocr_fingerprint() -> str:
    """What the OCR's reading depends on besides the image."""
    source = Path(ocr.__file__).read_bytes()
    try:
        version = metadata.version("rapidocr")
    except metadata.PackageNotFoundError:  # pragma: no cover - the OCR needs it
        version = "?"
    parts = {
        "format": _CACHE_FORMAT,
        "settings": {key: str(value) for key, value in sorted(ocr.SETTINGS.items())},
        "min_score": ocr._MIN_SCORE,
        "max_side": ocr._MAX_SIDE_PX,
        "rapidocr": version,
        "ocr_source": hashlib.sha256(source).hexdigest(),
    }
    return json.dumps(parts, sort_keys=True)


def cache_key(image: bytes) -> str:
    digest = hashlib.sha256(image)
    digest.update(b"\0" + _ocr_fingerprint().encode())
    return digest.hexdigest()


def read_photo(image: bytes, *, directory: Path | None = None) -> Page:
    """The page the engine reads from this JPEG or PNG (`ocr.decode_image`, then
    `ocr.recognise_upright`, then lines), from the cache when it holds this reading."""
    path = (directory or cache_dir()) / f"{cache_key(image)}.json"
    if path.exists():
        kept = json.loads(path.read_text(encoding="utf-8"))
    else:
        upright, boxes = ocr.recognise_upright(ocr.decode_image(image))
        kept = {
            "width": float(upright.width),
            "height": float(upright.height),
            "boxes": [[b.text, b.left, b.top, b.right, b.bottom] for b in boxes],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)  # a reader never sees half a file
    boxes = [
        Box(text, left, top, right, bottom) for text, left, top, right, bottom in kept["boxes"]
    ]
    return Page(0, kept["width"], kept["height"], group_lines(0, boxes))


def photo_documents(
    seed: int,
    per_family: int,
    *,
    languages: Sequence[str] | None = None,
    legacy: int = 0,
) -> Iterator[Document]:
    """Photos of the corpus's `PHOTO_FAMILIES` (`per_family` per family and language,
    every language unless given), and `legacy` receipt
    photos of each kind of `benchmarks/synthetic_receipts.py` (plain and hard), each
    read through the OCR cache. A photo of the same seed, family, language and index is
    the photo of the PDF `training.sources.corpus_documents` reads."""
    samples = generate(
        seed, per_family, families=PHOTO_FAMILIES, languages=languages, kinds=("photo",)
    )
    for index, sample in enumerate(samples):
        name = f"{sample.family}-{sample.language}-{seed}-{index}-photo"
        page = read_photo(sample.data)
        yield Document(name, sample.family, sample.language, [page], dict(sample.truth),
                       kind="photo")  # fmt: skip
    if legacy:
        yield from legacy_photos(seed, legacy, languages=languages)


def legacy_photos(
    seed: int, count: int, *, languages: Sequence[str] | None = None, plain: bool = True
) -> Iterator[Document]:
    """The benchmark's receipt photos (`count` of each kind; `plain` false: the hard
    kind only), with the seeds of `training.legacy`'s text receipts."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic_receipts

    from training.legacy import _truth

    for offset, hard in ((3, False), (4, True)) if plain else ((4, True),):
        family = "receipt-hard" if hard else "receipt"
        for case in synthetic_receipts.make_cases(count, seed=seed + offset, hard=hard):
            language = case.name.rsplit("-", 1)[1].split(".")[0]
            if languages is not None and language not in languages:
                continue
            page = read_photo(case.data)
            yield Document(f"{case.name}-photo", family, language, [page], _truth(case.truth),
                           kind="photo")  # fmt: skip
