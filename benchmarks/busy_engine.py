"""An extraction engine that keeps a core busy for a while, as OCR of a photo does
(`DOSSIER_BENCH_OCR_SECONDS`, default 2 s), then reads nothing: for measuring what
happens around extractions while every extractor is busy."""

from __future__ import annotations

import os
import time

from app.extraction import ExtractionResult


class BusyEngine:
    name = "busy"

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        seconds = float(os.environ.get("DOSSIER_BENCH_OCR_SECONDS", "2"))
        until, spins = time.monotonic() + seconds, 0
        while time.monotonic() < until:
            spins += sum(range(1000))
        return ExtractionResult(self.name, "", {"spins": spins}, seconds)
