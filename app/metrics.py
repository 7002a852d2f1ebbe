"""Prometheus metrics: counters the workers add to as work happens, and the state of the
pipeline (documents, jobs, deliveries, queues) read when `/metrics` is scraped.

Celery's prefork children cannot each serve a port: with `PROMETHEUS_MULTIPROC_DIR` set
(before this module is first imported), every process writes its counters to files in
that directory and whoever serves them adds the files up (`app/multiprocess.py` sets it
for workers). Without it, each process serves its own counters."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from app.multiprocess import ENV as MULTIPROCESS_ENV

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Dossier's own counters live in their own registry, apart from the client library's
# process and platform collectors (which make no sense summed over processes).
OWN = CollectorRegistry(auto_describe=True)

GATE_DECISIONS = Counter(
    "dossier_gate_decisions",
    "Gate decisions by outcome (extract, skip, dropped, gone, already_decided).",
    ["outcome"],
    registry=OWN,
)
EXTRACTIONS = Counter(
    "dossier_extractions",
    "Engine runs by engine and outcome (extracted, unreadable, timed_out, engine_error).",
    ["engine", "outcome"],
    registry=OWN,
)
EXTRACTION_SECONDS = Histogram(
    "dossier_extraction_seconds",
    "Time the extraction engine took on one document.",
    ["engine"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=OWN,
)
LIFECYCLE_JOBS = Counter(
    "dossier_lifecycle_jobs_run",
    "Lifecycle jobs a worker ran, by action and outcome (done, refused, ...).",
    ["action", "outcome"],
    registry=OWN,
)
WEBHOOK_ATTEMPTS = Counter(
    "dossier_webhook_attempts",
    "Webhook delivery attempts by outcome (delivered, pending: to be retried, failed).",
    ["outcome"],
    registry=OWN,
)
MAIL_DELIVERIES = Counter(
    "dossier_mail_deliveries",
    "Mails the sender task handed over (or not), by outcome.",
    ["outcome"],
    registry=OWN,
)
SWEEPER_RECOVERIES = Counter(
    "dossier_sweeper_recoveries",
    "Work the sweeper sent again, by kind (documents, deletions, lifecycle_requests, exports).",
    ["kind"],
    registry=OWN,
)


def gate_decided(outcome: str, documents: int = 1) -> None:
    GATE_DECISIONS.labels(outcome).inc(documents)


def extraction_ran(engine: str, outcome: str, seconds: float) -> None:
    EXTRACTIONS.labels(engine, outcome).inc()
    EXTRACTION_SECONDS.labels(engine).observe(seconds)


def lifecycle_job_ran(action: str, outcome: str) -> None:
    LIFECYCLE_JOBS.labels(action, outcome).inc()


def webhook_attempts(outcomes: dict[str, int]) -> None:
    for outcome, count in outcomes.items():
        if count:
            WEBHOOK_ATTEMPTS.labels(outcome).inc(count)


def mail_delivered(outcome: str, count: int = 1) -> None:
    """For the mail sender: `sent`, or `failed`."""
    if count:
        MAIL_DELIVERIES.labels(outcome).inc(count)


def swept(recoveries: dict[str, int]) -> None:
    for kind, count in recoveries.items():
        if count:
            SWEEPER_RECOVERIES.labels(kind).inc(count)


class StateCollector(Collector):
    """Gauges computed at scrape time from the database and the broker. `read` returns
    (name, documentation, label names, {label values: value}) for each gauge; it runs on
    every scrape, so a slow database shows as a slow scrape, never as wrong numbers."""

    def __init__(self, read: Callable[[], Iterable[Gauge]]) -> None:
        self.read = read

    def collect(self) -> Iterator[Metric]:
        for name, documentation, labels, values in self.read():
            family = GaugeMetricFamily(name, documentation, labels=labels)
            for label_values, value in sorted(values.items()):
                family.add_metric(list(label_values), value)
            yield family


Gauge = tuple[str, str, list[str], Mapping[tuple[str, ...], float]]


class _Own(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from OWN.collect()


def registry(*collectors: Collector) -> CollectorRegistry:
    """A registry that sums every process's counters (multiprocess mode) or reads this
    process's, plus `collectors`."""
    found = CollectorRegistry(auto_describe=False)
    directory = os.environ.get(MULTIPROCESS_ENV)
    if directory and os.path.isdir(directory):
        multiprocess.MultiProcessCollector(found, path=directory)  # type: ignore[no-untyped-call]
    else:
        found.register(_Own())
    for collector in collectors:
        found.register(collector)
    return found


def exposition(*collectors: Collector) -> bytes:
    return generate_latest(registry(*collectors))


def forget_process(pid: int) -> None:
    """A prefork child that ended: its files stay (its counts still count)."""
    if os.environ.get(MULTIPROCESS_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
