"""Lifecycle latency under load: with every extractor process busy on OCR-like work and a
backlog of extractions queued behind it, a deactivate and a reactivate asked over HTTP
(the real web process, the Procfile's `worker` and `extractor`) until their jobs are done.

    .venv/bin/python benchmarks/lifecycle_latency.py --samples 20

Each latency runs from just before the POST to the job's `finished_at`, as the worker
stamped it (one machine, one clock). The backlog belongs to another practice, whose file
keeps documents `queued` from start to end (checked). Target: p95 <= 1 s.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.local import start, stop
from app.persistence.models import Document, LifecycleJob
from app.services import messages, tokens
from benchmarks import datagen
from benchmarks._stack import BenchStack, bench_stack, percentile, report, wait_until

BUSY_ENGINE = "benchmarks.busy_engine:BusyEngine"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _backlog(stack: BenchStack, file_id: uuid.UUID, count: int) -> None:
    """`count` documents of the busy practice queued for extraction, their messages sent."""
    created = datagen.documents(
        stack, file_id, count, status=DocumentStatus.QUEUED, blob=b"Scanned receipt\n"
    )
    with stack.celery.producer_or_acquire() as producer:
        for document_id, task_id in created:
            stack.celery.send_task(
                messages.EXTRACT,
                kwargs={"document_id": str(document_id)},
                task_id=str(task_id),
                producer=producer,
            )


def _web(stack: BenchStack, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "app.web:web_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    log = open(stack.tmp / "web.log", "ab")  # noqa: SIM115
    process = start(command, stack.env(), log=log)
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, "the web process", timeout=60, every=0.1)
    return process


def _job_latency(stack: BenchStack, http: httpx.Client, path: str) -> float:
    asked = datetime.now(UTC)
    response = http.post(path)
    if response.status_code != 202:
        raise SystemExit(f"{path}: {response.status_code} {response.text}")
    job_id = uuid.UUID(response.json()["id"])
    query = sa.select(LifecycleJob.status, LifecycleJob.finished_at).where(
        LifecycleJob.id == job_id
    )

    def done() -> bool:
        with stack.runtime.db.connect() as connection:
            row = connection.execute(query).first()
        return row is not None and row.status == "done"

    wait_until(done, f"job {job_id}", timeout=120, every=0.01)
    with stack.runtime.db.connect() as connection:
        finished: datetime = connection.execute(query).one().finished_at
    return (finished - asked).total_seconds()


def run(samples: int, extractors: int, backlog: int, ocr_seconds: float) -> dict[str, float]:
    with bench_stack(extraction_engine=BUSY_ENGINE) as stack:
        busy = datagen.office(stack)
        quiet = datagen.office(stack)
        _backlog(stack, busy.file_ids[0], backlog)
        stack.start_role("worker")
        stack.start_role(
            "extractor", concurrency=extractors, DOSSIER_BENCH_OCR_SECONDS=str(ocr_seconds)
        )
        secret = tokens.issue(stack.runtime.uow(), quiet.staff_id).secret
        port = _free_port()
        web = _web(stack, port)
        deactivations, reactivations = [], []
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {secret}"}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
                file_path = f"/v1/client-files/{quiet.file_ids[0]}"
                # Warm-up: the first request of each process opens its connections.
                _job_latency(stack, http, f"{file_path}/deactivate")
                _job_latency(stack, http, f"{file_path}/reactivate")
                for _ in range(samples):
                    deactivations.append(_job_latency(stack, http, f"{file_path}/deactivate"))
                    reactivations.append(_job_latency(stack, http, f"{file_path}/reactivate"))
            still_queued = stack.scalar(
                sa.select(sa.func.count()).where(
                    Document.client_file_id == busy.file_ids[0],
                    Document.status == DocumentStatus.QUEUED,
                )
            )
        finally:
            stop(web)
    both = deactivations + reactivations
    report(
        f"lifecycle latency under load: {samples} deactivate + reactivate over HTTP, "
        f"{extractors} extractor process(es) busy {ocr_seconds:.1f} s per document",
        [
            ("deactivate p50 / p95 / max", _seconds(deactivations)),
            ("reactivate p50 / p95 / max", _seconds(reactivations)),
            ("all p95 (target <= 1 s)", f"{percentile(both, 95):.3f} s"),
            ("backlog still queued at the end (of)", f"{still_queued} / {backlog}"),
        ],
    )
    return {"p95": percentile(both, 95), "still_queued": float(still_queued)}


def _seconds(values: list[float]) -> str:
    return f"{percentile(values, 50):.3f} / {percentile(values, 95):.3f} / {max(values):.3f} s"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--extractors", type=int, default=2, help="extractor processes")
    parser.add_argument("--backlog", type=int, default=400, help="queued extractions")
    parser.add_argument("--ocr-seconds", type=float, default=2.0, help="per extraction")
    args = parser.parse_args(argv)
    return run(args.samples, args.extractors, args.backlog, args.ocr_seconds)


if __name__ == "__main__":
    main()
