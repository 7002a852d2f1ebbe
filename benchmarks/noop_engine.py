"""An extraction engine that reads nothing, so a benchmark measures the pipeline around
the engine and not the engine (`DOSSIER_EXTRACTION_ENGINE=benchmarks.noop_engine:NoopEngine`)."""

from __future__ import annotations

from app.extraction import ExtractionResult


class NoopEngine:
    name = "noop"

    def extract(self, data: bytes, content_type: str) -> ExtractionResult:
        return ExtractionResult(self.name, "", {}, 0.0)
