"""Logs, metrics and tracing without any service: what a line carries, what an outcome
counts, and that Dossier runs without the optional extras."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from app import embedded, logs, metrics, tracing
from app.config import Settings
from app.services import messages
from worker import observability


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger("dossier.test.operations")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logs.clear()  # ids an earlier test's service call bound in this thread
    yield logger, stream
    logger.removeHandler(handler)
    logs.clear()


def test_a_json_line_carries_the_ids_bound_to_the_work(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logs.bind(document_id="d-1", task_id="t-1", client_file_id=None)
    logger.info("claimed %s", "d-1", extra={"engine": "invoice"})
    line = json.loads(stream.getvalue())
    assert line["event"] == "claimed d-1"
    assert (line["document_id"], line["task_id"], line["engine"]) == ("d-1", "t-1", "invoice")
    assert "client_file_id" not in line
    assert line["level"] == "info"


def test_ids_bound_for_a_block_are_gone_after_it(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    with logs.bound_to(request_id="r-1"):
        logger.info("inside")
    logger.info("outside")
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["request_id"] == "r-1"
    assert "request_id" not in outside


def test_the_console_format_reads_as_key_value_pairs() -> None:
    record = logging.LogRecord("dossier.x", logging.INFO, __file__, 1, "hello", None, None)
    with logs.bound_to(job_id="j-9"):
        text = logs.formatter("console").format(record)
    assert "hello" in text
    assert "job_id=j-9" in text
    assert not text.startswith("{")


def _sample(name: str, **labels: str) -> float:
    for family in metrics.OWN.collect():
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_task_outcomes_feed_their_counters() -> None:
    before = _sample("dossier_gate_decisions_total", outcome="skip")
    observability.count(messages.GATE, "skip")
    assert _sample("dossier_gate_decisions_total", outcome="skip") == before + 1

    job = {"job_id": "j", "action": "detach", "status": "refused", "counts": {}}
    before = _sample("dossier_lifecycle_jobs_run_total", action="detach", outcome="refused")
    observability.count(messages.DETACH, job)
    after = _sample("dossier_lifecycle_jobs_run_total", action="detach", outcome="refused")
    assert after == before + 1

    before = _sample("dossier_sweeper_recoveries_total", kind="documents_resent")
    observability.count(messages.SWEEP, {"documents_resent": 3, "deletions_resumed": 0})
    assert _sample("dossier_sweeper_recoveries_total", kind="documents_resent") == before + 3

    before = _sample("dossier_webhook_attempts_total", outcome="retrying")
    observability.count(messages.DELIVER_WEBHOOKS, {"delivered": 0, "retrying": 2, "failed": 0})
    assert _sample("dossier_webhook_attempts_total", outcome="retrying") == before + 2


def test_the_mail_sender_has_its_counter() -> None:
    before = _sample("dossier_mail_deliveries_total", outcome="sent")
    metrics.mail_delivered("sent")
    assert _sample("dossier_mail_deliveries_total", outcome="sent") == before + 1


def test_the_exposition_reads_the_multiprocess_directory_when_there_is_one(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    # An empty directory: no process has counted anything there yet.
    assert b"dossier_gate_decisions_total" not in generate_latest(metrics.registry())
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    metrics.gate_decided("extract")
    assert b"dossier_gate_decisions_total" in generate_latest(metrics.registry())


def test_tracing_is_off_unless_an_endpoint_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert tracing.endpoint_setting(Settings()) is None
    assert tracing.start(Settings(), "dossier-test") is False
    configured = Settings(otel_endpoint="http://collector:4318")
    assert tracing.endpoint_setting(configured) == "DOSSIER_OTEL_ENDPOINT"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert tracing.endpoint_setting(Settings()) == "OTEL_EXPORTER_OTLP_ENDPOINT"


# Run apart: hiding a package from imports must not leak into this process.
WITHOUT_EXTRAS = """
import sys
# As if the 'otel' extra were not installed (FastAPI brings the API package alone).
for package in ("opentelemetry.sdk", "opentelemetry.instrumentation", "opentelemetry.exporter"):
    sys.modules[package] = None
import app.web, worker  # Dossier imports without it
from app import tracing
from app.config import Settings
assert tracing.start(Settings(), "probe") is False
try:
    tracing.start(Settings(otel_endpoint="http://collector:4318"), "probe")
except SystemExit as stop:
    print(stop)
"""


def test_dossier_runs_without_the_otel_extra_and_says_what_is_missing_when_asked() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS], capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    message = ran.stdout.strip()
    assert message.count("\n") == 0
    assert "'otel' extra" in message
    assert "DOSSIER_OTEL_ENDPOINT" in message


def test_the_embedded_broker_without_its_extra_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embedded.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SystemExit) as stopped:
        embedded.redis_server_binary()
    message = str(stopped.value)
    assert "\n" not in message
    assert "dossier[embedded]" in message
    assert "DOSSIER_BROKER_URL" in message


TRACED = """
import sys
from pathlib import Path
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from app import tracing
from app.web import create_app
from app.bootstrap import build_runtime
from app.config import Settings
from tests.api.fakes import FakeDispatcher

tmp = Path(sys.argv[1])
settings = Settings(database_url=f"sqlite:///{tmp / 't.db'}", storage_dir=tmp / "blobs")
exporter = InMemorySpanExporter()
assert tracing.start(settings, "probe", exporter=exporter)
runtime = build_runtime(settings, FakeDispatcher())
app = create_app(runtime, broker_check=lambda: None)
tracing.instrument_web(app, runtime.db)
assert TestClient(app).get("/readyz").status_code == 200
for span in exporter.get_finished_spans():
    print(span.name, span.resource.attributes["service.name"])
"""


def test_a_traced_request_has_its_span_and_its_sql_span(tmp_path: pytest.TempPathFactory) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", TRACED, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert ran.returncode == 0, ran.stderr
    spans = ran.stdout.splitlines()
    assert "GET /readyz probe" in spans
    assert any(span.startswith("SELECT") for span in spans), spans
