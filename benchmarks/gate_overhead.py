"""Gate overhead: documents per second through the gatekeeper to the extraction dispatch,
beside a plain Celery no-op task on the same broker, queue and worker settings.

    .venv/bin/python benchmarks/gate_overhead.py --documents 5000

Documents are bulk-inserted `pending`; their gate messages (or as many no-op messages) are
queued while the worker's consumer is paused, then the consumer is resumed and the clock
runs until the queue is drained and every message acknowledged. The worker consumes the
`gate` queue only, so each gate decision ends with its extraction message published (the
dispatch) and the no-op extraction engine is configured but never loaded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import Document
from app.services import messages
from benchmarks import datagen
from benchmarks._stack import BenchStack, bench_stack, report, wait_until
from benchmarks.bench_worker import NOOP

QUEUE = "gate"


def drain_rate(
    stack: BenchStack, hostname: str, sends: list[tuple[str, dict[str, str], str]]
) -> float:
    """Queue `sends` with the consumer paused, resume it, time the drain: messages/s."""
    control = stack.celery.control
    control.cancel_consumer(QUEUE, destination=[hostname], reply=True)
    wait_until(lambda: stack.drained(QUEUE), "the queue to be idle before sending")
    with stack.celery.producer_or_acquire() as producer:
        for name, kwargs, task_id in sends:
            stack.celery.send_task(
                name, kwargs=kwargs, task_id=task_id, queue=QUEUE, producer=producer
            )
    started = time.monotonic()
    control.add_consumer(QUEUE, destination=[hostname], reply=True)
    finished = wait_until(lambda: stack.drained(QUEUE), f"{len(sends)} messages to drain")
    return len(sends) / (finished - started)


def gate_sends(
    documents: list[tuple[uuid.UUID, uuid.UUID]],
) -> list[tuple[str, dict[str, str], str]]:
    return [(messages.GATE, {"document_id": str(doc)}, str(task)) for doc, task in documents]


def noop_sends(count: int) -> list[tuple[str, dict[str, str], str]]:
    return [(NOOP, {"document_id": str(uuid.uuid4())}, str(uuid.uuid4())) for _ in range(count)]


def run(
    documents: int, rounds: int, concurrency: int, warmup: int, batch_size: int | None = None
) -> dict[str, float]:
    overrides = {} if batch_size is None else {"gate_batch_size": batch_size}
    with bench_stack(**overrides) as stack:
        office = datagen.office(stack)
        file_id = office.file_ids[0]
        created = datagen.documents(stack, file_id, warmup + documents * rounds)
        stack.vacuum()
        hostname, _ = stack.start_worker(queues=QUEUE, concurrency=concurrency)
        drain_rate(stack, hostname, noop_sends(warmup))
        drain_rate(stack, hostname, gate_sends(created[:warmup]))
        plain, gated = [], []
        for n in range(rounds):
            batch = created[warmup + n * documents : warmup + (n + 1) * documents]
            plain.append(drain_rate(stack, hostname, noop_sends(documents)))
            gated.append(drain_rate(stack, hostname, gate_sends(batch)))
        queued = stack.scalar(
            sa.select(sa.func.count())
            .select_from(Document)
            .where(Document.client_file_id == file_id, Document.status == DocumentStatus.QUEUED)
        )
        dispatched = stack.waiting("extraction")
        log = (stack.tmp / f"{hostname.split('@')[0]}.log").read_text(errors="replace")
    ran = sum(
        1 for line in log.splitlines() if f"Task {messages.GATE}[" in line and "succeeded" in line
    )
    discarded = log.count(f"Discarding revoked task: {messages.GATE}[")
    if queued != len(created) or dispatched != len(created):
        raise SystemExit(
            f"expected {len(created)} queued and dispatched, got {queued}, {dispatched}"
        )
    baseline, dossier = statistics.median(plain), statistics.median(gated)
    report(
        f"gate overhead: {documents} documents x {rounds} rounds, concurrency {concurrency}",
        [
            (
                "baseline: plain Celery no-op task",
                f"{baseline:8.1f} tasks/s  (rounds: {_list(plain)})",
            ),
            (
                "Dossier: gate -> extraction dispatch",
                f"{dossier:8.1f} documents/s  (rounds: {_list(gated)})",
            ),
            ("ratio Dossier / baseline (target >= 1.0)", f"{dossier / baseline:8.2f}"),
            ("documents queued and extraction messages sent", f"{queued} / {dispatched}"),
            ("gate messages run / discarded unrun (revoked by a batch)", f"{ran} / {discarded}"),
        ],
    )
    return {"baseline": baseline, "dossier": dossier, "ratio": dossier / baseline}


def _list(values: list[float]) -> str:
    return ", ".join(f"{value:.0f}" for value in values)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5000, help="per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="DOSSIER_GATE_BATCH_SIZE of the worker (default: Dossier's own default)",
    )
    args = parser.parse_args(argv)
    return run(args.documents, args.rounds, args.concurrency, args.warmup, args.batch_size)


if __name__ == "__main__":
    main()
