"""Deactivate a client file holding 100,000 queued documents, beside a bare PostgreSQL
UPDATE of the same number of rows; and the upload-to-gate latency of another file's
uploads while it runs, beside the same stream on an idle system.

    .venv/bin/python benchmarks/deactivate_at_scale.py --documents 100000

Three identical files of queued documents are bulk-inserted: the baseline UPDATEs one
before and one after (the statement a purge needs, nothing else; the mean of the two is
the baseline, so neither side gains from running first), Dossier deactivates the third
through
`dossier.lifecycle.deactivate` on a real worker. "Done" is the moment the job reads `done`
in the database: its transaction has committed, so from then on no extraction can start
(every claim re-checks the file under a row lock). The task's own run time, which adds the
revokes sent after the commit, is read from the worker's log.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from app.domain.model import NOT_STARTED_STATUSES, DocumentStatus, SkipReason
from app.persistence.models import Document, Extraction, utcnow
from app.services import messages
from benchmarks import datagen
from benchmarks._stack import (
    BenchStack,
    bench_stack,
    percentile,
    report,
    run_lifecycle_job,
)
from benchmarks.uploads import UploadStream


def bare_update(stack: BenchStack, file_id: uuid.UUID) -> float:
    statement = (
        sa.update(Document)
        .where(Document.client_file_id == file_id, Document.status.in_(NOT_STARTED_STATUSES))
        .values(
            status=DocumentStatus.SKIPPED,
            reason=SkipReason.CLIENT_FILE_DEACTIVATED,
            updated_at=utcnow(),
        )
    )
    started = time.perf_counter()
    stack.execute(statement)
    return time.perf_counter() - started


def deactivate(stack: BenchStack, file_id: uuid.UUID, staff_id: uuid.UUID) -> tuple[float, dict]:
    elapsed, job_id, counts = run_lifecycle_job(stack, messages.DEACTIVATE, file_id, staff_id)
    return elapsed, {"job_id": str(job_id), **counts}


def task_seconds(stack: BenchStack, job_id: str) -> float | None:
    pattern = re.compile(re.escape(job_id) + r"\] succeeded in ([0-9.]+)s")
    for _ in range(200):
        for log in stack.tmp.glob("*.log"):
            match = pattern.search(log.read_text(errors="replace"))
            if match:
                return float(match.group(1))
        time.sleep(0.05)
    return None


def started_after(stack: BenchStack, file_id: uuid.UUID) -> int:
    """Documents of the file that went beyond `queued`, plus extraction rows: must be 0."""
    moved = stack.scalar(
        sa.select(sa.func.count())
        .select_from(Document)
        .where(Document.client_file_id == file_id, Document.status != DocumentStatus.SKIPPED)
    )
    extracted = stack.scalar(
        sa.select(sa.func.count())
        .select_from(Extraction)
        .where(Extraction.client_file_id == file_id)
    )
    return int(moved) + int(extracted)


def run(documents: int, rate: float, idle_seconds: float) -> dict[str, float]:
    with bench_stack() as stack:
        office = datagen.office(stack, files=4)
        target, twin, last_twin, other = office.file_ids
        for file_id in (target, twin, last_twin):
            datagen.documents(stack, file_id, documents, status=DocumentStatus.QUEUED)
        stack.vacuum()
        first = bare_update(stack, twin)
        stack.vacuum()  # each of the three updates starts from a vacuumed table
        stack.start_worker(queues="gate,lifecycle", concurrency=2)
        with UploadStream(stack, other, office.staff_id, rate) as warmup:
            time.sleep(1.0)  # both pool processes connected and warm
        warmup.latencies()
        with UploadStream(stack, other, office.staff_id, rate) as idle_stream:
            time.sleep(idle_seconds)
        idle = idle_stream.latencies()
        with UploadStream(stack, other, office.staff_id, rate) as busy_stream:
            time.sleep(1.0)
            elapsed, counts = deactivate(stack, target, office.staff_id)
        busy = busy_stream.latencies()
        stack.vacuum()
        second = bare_update(stack, last_twin)
        baseline = (first + second) / 2
        task = task_seconds(stack, counts["job_id"])
        leaked = started_after(stack, target)
    if leaked or counts.get("documents_skipped") != documents:
        raise SystemExit(f"deactivation incomplete: {counts}, {leaked} started after it")
    ms = lambda values, q: f"{percentile(values, q) * 1000:7.1f} ms"  # noqa: E731
    report(
        f"deactivate a file of {documents} queued documents",
        [
            (
                "baseline: bare UPDATE of the same rows",
                f"{baseline:7.2f} s  (before {first:.2f} s, after {second:.2f} s)",
            ),
            ("Dossier: send -> job done (committed)", f"{elapsed:7.2f} s"),
            ("ratio Dossier / baseline (target <= 1.2)", f"{elapsed / baseline:7.2f}"),
            ("task run time incl. revokes (worker log)", f"{task:7.2f} s" if task else "not found"),
            (
                "documents skipped / tasks revoked",
                f"{counts['documents_skipped']} / {counts['tasks_revoked']}",
            ),
            ("extractions started after the commit", f"{leaked}"),
            (
                f"other file, idle: upload->gate p50 / p95 ({len(idle)})",
                f"{ms(idle, 50)} / {ms(idle, 95)}",
            ),
            (
                f"other file, during: upload->gate p50 / p95 ({len(busy)})",
                f"{ms(busy, 50)} / {ms(busy, 95)}",
            ),
        ],
    )
    return {"baseline": baseline, "dossier": elapsed, "ratio": elapsed / baseline}


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=20.0, help="uploads/s into another file")
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    return run(args.documents, args.rate, args.idle_seconds)


if __name__ == "__main__":
    main()
