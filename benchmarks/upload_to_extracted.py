"""Upload-to-extracted latency of one text PDF on an idle system (p50, p95), beside the
engine's own time on the same PDF in this process; then the worker's resident memory
while it extracts 10,000 more, to show it does not grow.

    .venv/bin/python benchmarks/upload_to_extracted.py --samples 50 --documents 10000

Latency is measured by Dossier's own timestamps: the document's creation in the upload
service to the extraction's recording, through the gate, the broker and the real
extraction engine (`DOSSIER_EXTRACTION_ENGINE`'s default) on a real worker.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from app.config import Settings
from app.demo.samples import text_pdf
from app.domain.model import DocumentStatus
from app.extraction import load_engine
from app.persistence.models import Document
from app.services import documents, messages
from benchmarks import datagen
from benchmarks._stack import (
    BenchStack,
    bench_stack,
    percentile,
    report,
    rss_kib,
    wait_until,
    worker_pool_pids,
)

ENGINE = Settings.model_fields["extraction_engine"].default


def receipt_pdf() -> bytes:
    number = uuid.uuid4().hex[:8]
    return text_pdf(
        [
            "Boulangerie Dupont",
            f"Invoice {number}",
            "Date: 03/02/2025",
            "VAT: 2.08 EUR",
            "Total: 12.50 EUR",
        ]
    )


def engine_seconds(samples: int) -> list[float]:
    engine = load_engine(ENGINE)
    engine.extract(receipt_pdf(), "application/pdf")
    timings = []
    for _ in range(samples):
        data = receipt_pdf()
        started = time.perf_counter()
        engine.extract(data, "application/pdf")
        timings.append(time.perf_counter() - started)
    return timings


def latencies(
    stack: BenchStack, file_id: uuid.UUID, staff_id: uuid.UUID, samples: int
) -> list[float]:
    with stack.runtime.uow() as uow:
        actor = uow.users.actor(staff_id)
    assert actor is not None
    seconds = []
    for _ in range(samples):
        result = documents.upload(
            stack.runtime.uow(),
            stack.runtime.blobs,
            stack.settings,
            client_file_id=file_id,
            actor=actor,
            filename="receipt.pdf",
            data=receipt_pdf(),
        )
        query = sa.select(Document).where(Document.id == result.document_id)

        def finished(query: sa.Select[tuple[Document]] = query) -> bool:
            document = stack.scalar(query)
            return document.status is DocumentStatus.EXTRACTED

        wait_until(finished, "one document to be extracted", timeout=120)
        document = stack.scalar(query)
        seconds.append((document.finished_at - document.created_at).total_seconds())
    return seconds


def memory_run(
    stack: BenchStack, file_id: uuid.UUID, pids: list[int], count: int
) -> tuple[int, int, float]:
    """RSS (largest pool process) after the first tenth and after all `count` documents."""
    created = datagen.documents(
        stack, file_id, count, blob=receipt_pdf(), content_type="application/pdf"
    )
    extracted = (
        sa.select(sa.func.count())
        .select_from(Document)
        .where(Document.client_file_id == file_id, Document.status == DocumentStatus.EXTRACTED)
    )
    started = time.monotonic()
    with stack.celery.producer_or_acquire() as producer:
        for document_id, task_id in created:
            stack.celery.send_task(
                messages.GATE,
                kwargs={"document_id": str(document_id)},
                task_id=str(task_id),
                producer=producer,
            )
    wait_until(lambda: stack.scalar(extracted) >= count // 10, "a tenth of the documents", 1800)
    early = max(rss_kib(pid) for pid in pids)
    wait_until(lambda: stack.scalar(extracted) >= count, f"{count} documents", 3600)
    elapsed = time.monotonic() - started
    return early, max(rss_kib(pid) for pid in pids), count / elapsed


def run(samples: int, count: int) -> dict[str, float]:
    with bench_stack(extraction_engine=ENGINE) as stack:
        office = datagen.office(stack, files=2)
        baseline = engine_seconds(samples)
        _, worker = stack.start_worker(concurrency=2)
        pids = worker_pool_pids(worker)
        latencies(stack, office.file_ids[0], office.staff_id, 3)  # warm-up: engine loaded in both
        measured = latencies(stack, office.file_ids[0], office.staff_id, samples)
        warm_kib = max(rss_kib(pid) for pid in pids)
        early_kib, late_kib, rate = memory_run(stack, office.file_ids[1], pids, count)
    ms = lambda values, q: f"{percentile(values, q) * 1000:7.1f} ms"  # noqa: E731
    mib = lambda kib: f"{kib / 1024:7.1f} MiB"  # noqa: E731
    report(
        f"upload -> extracted, one text PDF at a time ({samples} samples), then {count} more",
        [
            ("baseline: engine alone, p50 / p95", f"{ms(baseline, 50)} / {ms(baseline, 95)}"),
            ("Dossier: upload -> extracted, p50 / p95", f"{ms(measured, 50)} / {ms(measured, 95)}"),
            ("ratio of p50s", f"{percentile(measured, 50) / percentile(baseline, 50):7.1f}"),
            (
                f"worker pool RSS: warm / after {count // 10} / after {count}",
                f"{mib(warm_kib)} / {mib(early_kib)} / {mib(late_kib)}",
            ),
            (f"throughput over the {count} documents", f"{rate:7.1f} documents/s"),
        ],
    )
    return {
        "p50": percentile(measured, 50),
        "p95": percentile(measured, 95),
        "growth_kib": late_kib - early_kib,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--documents", type=int, default=10_000)
    args = parser.parse_args(argv)
    return run(args.samples, args.documents)


if __name__ == "__main__":
    main()
