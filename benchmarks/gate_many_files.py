"""Gate dispatch on traffic spread over many files: 10,000 uploads through the upload
service into 2,000 client files (a few each, in turn), arriving continuously while the
worker runs, beside a plain Celery no-op task on the same worker settings.

    .venv/bin/python benchmarks/gate_many_files.py --uploads 10000 --files 2000

Both runs pay the same producer cost: the same uploads through the same service, by the
same threads. In the baseline each upload's gate message is sent as the no-op task
instead (same queue, same id), so the worker's side is the only difference. Each rate
runs from the first upload to the last message done: every document `queued` with its
extraction message in Redis (checked), or the queue drained.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from app.domain.model import Actor, Billing, DocumentStatus, FileStatus
from app.persistence.models import ClientFile, Document
from app.services import documents, messages
from app.services.messages import TaskMessage
from benchmarks import datagen
from benchmarks._stack import BenchStack, bench_stack, report, wait_until
from benchmarks.bench_worker import NOOP
from worker.dispatch import CeleryDispatcher

QUEUE = "gate"


class NoopInsteadOfGate(CeleryDispatcher):
    """Sends each gate message as the no-op task: the baseline's worker does nothing."""

    def send(self, batch: list[TaskMessage]) -> None:
        super().send(
            [
                TaskMessage(NOOP, m.payload, m.task_id) if m.name == messages.GATE else m
                for m in batch
            ]
        )


def _files(stack: BenchStack, practice_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    rows = [
        {
            "id": file_id,
            "name": f"Client {n}",
            "practice_id": practice_id,
            "billing": Billing.PRACTICE,
            "status": FileStatus.ACTIVE,
        }
        for n, file_id in enumerate(ids)
    ]
    with stack.runtime.db.begin() as connection:
        connection.execute(sa.insert(ClientFile.__table__), rows)
    return ids


def _upload_all(
    stack: BenchStack, actor: Actor, files: list[uuid.UUID], uploads: int, threads: int
) -> float:
    """Upload `uploads` receipts, file after file in turn, from `threads` threads; return
    the monotonic time of the first upload."""
    failures: list[BaseException] = []

    def produce(first: int) -> None:
        try:
            for n in range(first, uploads, threads):
                documents.upload(
                    stack.runtime.uow(),
                    stack.runtime.blobs,
                    stack.settings,
                    client_file_id=files[n % len(files)],
                    actor=actor,
                    filename="receipt.txt",
                    data=f"Receipt {uuid.uuid4()}\nTotal 9.99 EUR\n".encode(),
                )
        except BaseException as error:  # reported once the threads are joined
            failures.append(error)

    workers = [threading.Thread(target=produce, args=(n,)) for n in range(threads)]
    started = time.monotonic()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} producer(s) failed, first: {failures[0]!r}")
    return started


def _set_aside(stack: BenchStack, files: list[uuid.UUID]) -> None:
    stack.execute(
        sa.update(Document)
        .where(Document.client_file_id.in_(files))
        .values(status=DocumentStatus.SKIPPED, reason="benchmark baseline")
    )


def _queued(stack: BenchStack, files: list[uuid.UUID]) -> int:
    query = sa.select(sa.func.count()).where(
        Document.client_file_id.in_(files), Document.status == DocumentStatus.QUEUED
    )
    return int(stack.scalar(query))


def run(uploads: int, files: int, threads: int, concurrency: int) -> dict[str, float]:
    with bench_stack() as stack:
        office = datagen.office(stack)
        with stack.runtime.uow() as uow:
            actor = uow.users.actor(office.staff_id)
        assert actor is not None
        plain_files = _files(stack, office.practice_id, files)
        gated_files = _files(stack, office.practice_id, files)
        stack.vacuum()
        stack.start_worker(queues=QUEUE, concurrency=concurrency)

        # Baseline: the same uploads, each followed by a no-op message.
        real = stack.runtime.dispatcher
        stack.runtime.dispatcher = NoopInsteadOfGate(stack.celery)
        started = _upload_all(stack, actor, plain_files, uploads, threads)
        finished = wait_until(lambda: stack.drained(QUEUE), "the no-op messages")
        baseline = uploads / (finished - started)
        stack.runtime.dispatcher = real
        # The baseline's documents were never gated: out of the way of the shared nudge,
        # which decides whatever is pending.
        _set_aside(stack, plain_files)

        # Dossier: each upload's gate message decides it and dispatches its extraction.
        started = _upload_all(stack, actor, gated_files, uploads, threads)
        finished = wait_until(lambda: _queued(stack, gated_files) == uploads, "every gate")
        dossier = uploads / (finished - started)
        wait_until(lambda: stack.drained(QUEUE), "the gate queue")
        dispatched = stack.waiting("extraction")
    if dispatched != uploads:
        raise SystemExit(f"expected {uploads} extraction messages, found {dispatched}")
    report(
        f"gate on many files: {uploads} uploads into {files} files, continuously, "
        f"{threads} producer threads, worker concurrency {concurrency}",
        [
            ("baseline: uploads + plain Celery no-op", f"{baseline:8.1f} documents/s"),
            ("Dossier: uploads + gate -> extraction dispatch", f"{dossier:8.1f} documents/s"),
            ("ratio Dossier / baseline (target >= 1.0)", f"{dossier / baseline:8.2f}"),
            ("extraction messages sent", f"{dispatched}"),
        ],
    )
    return {"baseline": baseline, "dossier": dossier, "ratio": dossier / baseline}


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=4, help="producer threads")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    args = parser.parse_args(argv)
    return run(args.uploads, args.files, args.threads, args.concurrency)


if __name__ == "__main__":
    main()
