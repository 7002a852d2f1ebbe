"""The new producers (`training.unseen`): an evaluation set of layouts and words unlike the
training corpus's, never trained on."""

from __future__ import annotations

from decimal import Decimal

from app.extraction.engine import _read_pdf
from training import unseen
from training.corpus import FAMILIES
from training.train import training_documents


def _text(data: bytes) -> str:
    pages, _ = _read_pdf(data)
    return "\n".join(line.text for page in pages for line in page.lines)


def test_eight_new_families_in_three_languages_none_of_the_corpus() -> None:
    samples = list(unseen.generate(per_family=1))

    assert len(samples) == 8 * 3
    assert {s.family for s in samples} == set(unseen.FAMILIES)
    assert not set(unseen.FAMILIES) & set(FAMILIES)
    assert {s.language for s in samples} == {"en", "fr", "de"}


def test_the_same_seed_gives_the_same_documents() -> None:
    first = [s.data for s in unseen.generate(per_family=1)]

    assert first == [s.data for s in unseen.generate(per_family=1)]
    assert first != [s.data for s in unseen.generate(seed=unseen.SEED + 1, per_family=1)]


def test_the_pages_show_the_truth() -> None:
    for sample in unseen.generate(per_family=1):
        text = _text(sample.data).replace("\u00a0", " ")
        total = Decimal(str(sample.truth["total"]))
        whole = f"{abs(total):.2f}".split(".")[0][-3:]
        assert whole in text, (sample.family, sample.language, total)
        assert sample.truth["document_type"] == (
            "credit_note" if sample.family == "new-credit" else "invoice"
        )


def test_training_never_reads_the_new_producers() -> None:
    documents = training_documents(0, 1, photos=False)

    assert not {d.family for d in documents} & set(unseen.FAMILIES)
