"""Extraction engines: pluggable, chosen by import path (`DOSSIER_EXTRACTION_ENGINE`)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    engine: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


class Engine(Protocol):
    """Reads one document. Raises `UnreadableDocument` for input it can never read."""

    name: str

    def extract(self, data: bytes, content_type: str) -> ExtractionResult: ...


def load_engine(path: str) -> Engine:
    """Instantiate the engine named 'package.module:ClassName'."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"extraction engine must look like 'module:Class', got {path!r}")
    engine_class = getattr(importlib.import_module(module_name), attribute)
    engine: Engine = engine_class()
    return engine
