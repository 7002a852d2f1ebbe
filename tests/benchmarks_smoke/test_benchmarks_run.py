"""Each pipeline benchmark runs end to end at a small size against the real services.

Smoke tests only: no figure is judged (timings belong in docs/benchmarks.md, not in
assertions). Each benchmark checks its own outcome (every document gated, skipped, deleted
or extracted; nothing left, nothing started late) and exits with a message otherwise,
which fails the test."""

from __future__ import annotations

import os

import pytest

from app.config import get_settings
from benchmarks import (
    deactivate_at_scale,
    delete_at_scale,
    gate_many_files,
    gate_overhead,
    intake_profile,
    lifecycle_latency,
    upload_intake,
    upload_to_extracted,
)
from tests.support import services

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
def _real_services() -> None:
    services.check_postgres()
    services.check_redis()


def test_gate_overhead_runs() -> None:
    figures = gate_overhead.main(["--documents", "200", "--rounds", "1", "--warmup", "50"])
    assert figures["baseline"] > 0
    assert figures["dossier"] > 0


def test_deactivate_at_scale_runs() -> None:
    figures = deactivate_at_scale.main(["--documents", "500", "--idle-seconds", "1"])
    assert figures["baseline"] > 0
    assert figures["dossier"] > 0


def test_delete_at_scale_runs() -> None:
    figures = delete_at_scale.main(["--documents", "500", "--batch-size", "100"])
    assert figures["baseline"] > 0
    assert figures["dossier"] > 0


def test_upload_to_extracted_runs() -> None:
    figures = upload_to_extracted.main(["--samples", "3", "--documents", "50"])
    assert figures["p50"] > 0
    assert figures["p95"] >= figures["p50"]


def test_lifecycle_latency_runs() -> None:
    figures = lifecycle_latency.main(
        ["--samples", "2", "--extractors", "1", "--backlog", "20", "--ocr-seconds", "1"]
    )
    assert figures["p95"] > 0


def test_gate_many_files_runs() -> None:
    figures = gate_many_files.main(["--uploads", "60", "--files", "12", "--threads", "2"])
    assert figures["baseline"] > 0
    assert figures["dossier"] > 0


def test_upload_intake_runs() -> None:
    # Exits with a message when an upload fails or the gate messages in Redis are wrong.
    upload_intake.main(["--uploads", "16", "--rounds", "1"])
    upload_intake.main(["--uploads", "16", "--rounds", "1", "--gate-per-upload"])


def test_intake_profile_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Exits with a message when a request is not answered 200 or 202.
    monkeypatch.setattr("os.environ", dict(os.environ))  # it sets the app's settings
    try:
        intake_profile.main(["--requests", "10", "--profile", "upload", "--inline", "--top", "5"])
    finally:
        get_settings.cache_clear()
