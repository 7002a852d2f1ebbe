"""Extraction engines for tests, loaded by real worker processes through
DOSSIER_EXTRACTION_ENGINE. Each run is recorded in a file so a test can count how often
the engine really ran, independently of what the database says."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from app.extraction import ExtractionResult


def _record(data: bytes) -> None:
    journal = os.environ.get("DOSSIER_TEST_ENGINE_JOURNAL")
    if not journal:
        return
    with open(journal, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(f"{os.getpid()} {data[:60]!r}\n")


class RecordingEngine:
    """Reads the text, optionally slowly (DOSSIER_TEST_ENGINE_DELAY seconds)."""

    name = "recording"

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        delay = float(os.environ.get("DOSSIER_TEST_ENGINE_DELAY", "0"))
        _record(data)
        if delay:
            time.sleep(delay)
        text = data.decode("utf-8", errors="replace")
        return ExtractionResult(self.name, text, {"characters": len(text)}, delay)


def engine_runs(journal: Path) -> list[str]:
    return journal.read_text().splitlines() if journal.exists() else []
