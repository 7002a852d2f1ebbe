"""What an operator sees of a real worker: task events for Flower and celery-exporter,
`/metrics` with the pipeline's series after a small story, and log lines that carry the
ids of their work, down to the request id the API gave the upload."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from app.domain.model import DocumentStatus
from app.services import messages, tokens
from app.web import create_app
from tests.integration.conftest import Practice, Stack
from tests.support import services
from worker.depths import queue_depths


@pytest.fixture
def metrics_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The directory the worker counts in, which this process's `/metrics` then reads."""
    directory = tmp_path / "metrics"
    directory.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    return directory


@pytest.fixture
def api(stack: Stack) -> Iterator[TestClient]:
    client = redis.Redis.from_url(services.REDIS_URL)
    app = create_app(
        stack.runtime,
        broker_check=lambda: None,
        queue_depths=lambda: queue_depths(client, stack.settings.broker_key_prefix),
    )
    with TestClient(app) as test_client:
        yield test_client
    client.close()


def _upload(api: TestClient, practice: Practice, stack: Stack, **headers: str) -> uuid.UUID:
    secret = tokens.issue(stack.runtime.uow(), practice.staff.user_id).secret
    response = api.post(
        f"/v1/client-files/{practice.client_file_id}/documents",
        files={"file": ("r.txt", b"Cafe du Port\nTotal 3.20 EUR\n", "text/plain")},
        headers={"Authorization": f"Bearer {secret}", **headers},
    )
    assert response.status_code == 202, response.text
    return uuid.UUID(response.json()["id"])


def _extracted(stack: Stack, document_id: uuid.UUID) -> None:
    def done() -> bool:
        document = stack.document(document_id)
        return document is not None and document.status is DocumentStatus.EXTRACTED

    stack.wait_for("the extraction", done)


def test_a_worker_sends_the_events_of_each_task_state(stack: Stack) -> None:
    # GIVEN a receiver listening to the task events of this stack's broker
    stack.start_worker()
    seen: list[dict[str, Any]] = []
    task_id = str(uuid.uuid4())
    with stack.celery.connection_for_read() as connection:
        receiver = stack.celery.events.Receiver(connection, handlers={"*": seen.append})
        listening = threading.Thread(target=receiver.capture, kwargs={"wakeup": False})
        listening.start()
        try:
            # The worker's heartbeats show the receiver listens (events are not kept).
            stack.wait_for(
                "a heartbeat", lambda: any(e["type"] == "worker-heartbeat" for e in seen)
            )
            # WHEN a task is sent and run
            stack.celery.send_task(messages.SWEEP, kwargs={}, task_id=task_id)

            # THEN its sent, received, started and succeeded states are all reported
            def states() -> set[str]:
                return {event["type"] for event in seen if event.get("uuid") == task_id}

            wanted = {"task-sent", "task-received", "task-started", "task-succeeded"}
            stack.wait_for("the task's events", lambda: wanted <= states(), timeout=30)
        finally:
            receiver.should_stop = True
            listening.join(timeout=10)


def test_metrics_show_the_pipeline_after_a_small_story(
    stack: Stack, practice: Practice, api: TestClient, metrics_dir: Path
) -> None:
    # GIVEN a worker counting in the metrics directory
    stack.start_worker(PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    # WHEN a document is uploaded and extracted, and the file is then deactivated
    document_id = _upload(api, practice, stack)
    _extracted(stack, document_id)
    job_id = stack.send(
        messages.DEACTIVATE,
        client_file_id=str(practice.client_file_id),
        actor_id=str(practice.staff.user_id),
    )
    stack.wait_for_job(job_id)

    # THEN /metrics shows the documents, the decisions, the extraction, the job, the queues
    def scraped() -> str:
        response = api.get("/metrics")
        assert response.status_code == 200
        return response.text

    stack.wait_for(
        "the job's counter", lambda: "dossier_lifecycle_jobs_run_total{" in scraped(), timeout=10
    )
    text = scraped()
    engine = "recording"
    for series in (
        'dossier_documents{reason="",status="extracted"} 1.0',
        'dossier_gate_decisions_total{outcome="extract"} 1.0',
        f'dossier_extractions_total{{engine="{engine}",outcome="extracted"}} 1.0',
        f'dossier_extraction_seconds_count{{engine="{engine}"}} 1.0',
        'dossier_lifecycle_jobs_run_total{action="deactivate",outcome="done"} 1.0',
        'dossier_lifecycle_jobs{action="deactivate",status="done"} 1.0',
        'dossier_queue_messages{queue="extraction"} 0.0',
        "dossier_state_up 1.0",
    ):
        assert series in text, f"{series} not in:\n{text}"


def test_the_log_line_of_an_extraction_carries_its_ids_and_the_request_id(
    stack: Stack, practice: Practice, api: TestClient
) -> None:
    # GIVEN a worker logging JSON lines
    stack.start_worker(DOSSIER_LOG_FORMAT="json")
    # WHEN an upload with a request id is extracted
    document_id = _upload(api, practice, stack, **{"X-Request-ID": "req-4711"})
    _extracted(stack, document_id)

    # THEN the extraction's line names the document, its file, its task and the request
    def extraction_lines() -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in stack.worker_log().splitlines() if line[:1] == "{"]
        return [line for line in lines if line.get("event") == "extraction ran"]

    stack.wait_for("the extraction's log line", lambda: bool(extraction_lines()), timeout=10)
    [line] = extraction_lines()
    assert line["document_id"] == str(document_id)
    assert line["client_file_id"] == str(practice.client_file_id)
    assert line["request_id"] == "req-4711"
    assert line["task"] == messages.EXTRACT
    assert uuid.UUID(line["task_id"])
    assert line["outcome"] == "extracted"
