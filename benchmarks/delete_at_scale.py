"""Delete a client file of 100,000 documents with their extractions and blobs, beside a
bare cascade DELETE of the same rows plus unlinking the same number of files; with the
worker's resident memory sampled all along.

    .venv/bin/python benchmarks/delete_at_scale.py --documents 100000

Three identical files are bulk-inserted (documents, one extraction each, one blob each).
The baseline deletes one with a single `DELETE FROM client_files` (the foreign keys
cascade to documents and extractions) and unlinks its blobs, once before Dossier runs and
once after (unlink times on a shared virtual disk drift by several times within minutes;
the baseline is their mean); Dossier deletes the third through `dossier.lifecycle.delete`
on a real worker, in its batches, until the job reads `done`.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import ClientFile, Document, Extraction
from app.services import messages
from benchmarks import datagen
from benchmarks._stack import (
    BenchStack,
    bench_stack,
    report,
    rss_kib,
    run_lifecycle_job,
    worker_pool_pids,
)


def bare_delete(stack: BenchStack, file_id: uuid.UUID) -> tuple[float, float]:
    """Seconds for the cascade DELETE, then for unlinking the blobs."""
    started = time.perf_counter()
    stack.execute(sa.delete(ClientFile).where(ClientFile.id == file_id))
    rows_done = time.perf_counter()
    folder = stack.settings.storage_dir / str(file_id)
    with os.scandir(folder) as entries:
        for entry in entries:
            os.unlink(entry.path)
    folder.rmdir()
    return rows_done - started, time.perf_counter() - rows_done


class MemorySampler:
    """Largest resident memory seen across the worker's pool processes."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak_kib = pids, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now_kib(self) -> int:
        return max(rss_kib(pid) for pid in self.pids)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, self.now_kib())
            self._stop.wait(0.02)


def dossier_delete(
    stack: BenchStack, file_id: uuid.UUID, staff_id: uuid.UUID
) -> tuple[float, dict]:
    elapsed, _, counts = run_lifecycle_job(stack, messages.DELETE, file_id, staff_id, timeout=1800)
    return elapsed, counts


def leftovers(stack: BenchStack, file_id: uuid.UUID) -> int:
    rows = sum(
        int(stack.scalar(sa.select(sa.func.count()).select_from(model).where(column == file_id)))
        for model, column in (
            (ClientFile, ClientFile.id),
            (Document, Document.client_file_id),
            (Extraction, Extraction.client_file_id),
        )
    )
    folder = stack.settings.storage_dir / str(file_id)
    return rows + (sum(1 for _ in folder.rglob("*")) if folder.exists() else 0)


def run(documents: int, batch_size: int) -> dict[str, float]:
    with bench_stack(delete_batch_size=batch_size) as stack:
        office = datagen.office(stack, files=3)
        before, target, after = office.file_ids
        for file_id in office.file_ids:
            datagen.documents(
                stack,
                file_id,
                documents,
                status=DocumentStatus.EXTRACTED,
                blob=b"Total 9.99 EUR\n",
                extractions=True,
            )
        stack.vacuum()
        _, worker = stack.start_worker(queues="lifecycle", concurrency=2)
        # Freshly written files unlink several times faster until they reach the disk:
        # every side starts from blobs already on disk, as a real file's are.
        os.sync()
        first = bare_delete(stack, before)
        os.sync()
        with MemorySampler(worker_pool_pids(worker)) as memory:
            before_kib = memory.now_kib()
            elapsed, counts = dossier_delete(stack, target, office.staff_id)
            after_kib = memory.now_kib()
        os.sync()
        second = bare_delete(stack, after)
        left = leftovers(stack, target)
    baselines = [sum(first), sum(second)]
    baseline = sum(baselines) / 2
    if left or counts.get("documents_deleted") != documents:
        raise SystemExit(f"deletion incomplete: {counts}, {left} rows or blobs left")
    mib = lambda kib: f"{kib / 1024:7.1f} MiB"  # noqa: E731
    report(
        f"delete a file of {documents} documents, extractions and blobs (batches of {batch_size})",
        [
            ("baseline: cascade DELETE + unlink, mean", f"{baseline:7.2f} s"),
            (
                "  before Dossier",
                f"{baselines[0]:7.2f} s  (rows {first[0]:.2f} s, unlink {first[1]:.2f} s)",
            ),
            (
                "  after Dossier",
                f"{baselines[1]:7.2f} s  (rows {second[0]:.2f} s, unlink {second[1]:.2f} s)",
            ),
            ("Dossier: send -> job done", f"{elapsed:7.2f} s"),
            ("ratio Dossier / baseline (target <= 1.3)", f"{elapsed / baseline:7.2f}"),
            (
                "deleted documents / extractions / blobs",
                " / ".join(
                    str(counts[key])
                    for key in ("documents_deleted", "extractions_deleted", "blobs_deleted")
                ),
            ),
            ("rows and blobs left", f"{left}"),
            (
                "worker pool RSS before / peak / after",
                f"{mib(before_kib)} / {mib(memory.peak_kib)} / {mib(after_kib)}",
            ),
        ],
    )
    return {
        "baseline": baseline,
        "dossier": elapsed,
        "ratio": elapsed / baseline,
        "peak_growth_kib": memory.peak_kib - before_kib,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=2000, help="DOSSIER_DELETE_BATCH_SIZE")
    args = parser.parse_args(argv)
    return run(args.documents, args.batch_size)


if __name__ == "__main__":
    main()
