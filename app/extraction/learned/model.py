"""The learned scorer: one logistic regression per field over the candidates' features,
stored as plain JSON weights (`model.json`, written by `make train-extraction`).

Scoring is a sparse dot product in plain Python: the worker never imports the training
library, and loading the file takes milliseconds (docs/extraction.md).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("model.json")


@dataclass(frozen=True, slots=True)
class FieldModel:
    weights: Mapping[str, float]
    intercept: float
    # Below this probability an optional field (net, tax, due date...) is left empty.
    threshold: float

    def probability(self, features: Mapping[str, float]) -> float:
        weight_of = self.weights.get  # looked up once, not per feature
        z = self.intercept
        for name, value in features.items():  # a loop: it runs for every candidate
            weight = weight_of(name)
            if weight is not None:
                z += weight * value
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


@dataclass(frozen=True, slots=True)
class Model:
    fields: Mapping[str, FieldModel]
    trained_on: str


def parse_model(raw: Mapping[str, object]) -> Model:
    fields = raw["fields"]
    if not isinstance(fields, dict):
        raise ValueError("model file: 'fields' must be an object")
    return Model(
        {
            name: FieldModel(
                dict(zip(spec["features"], spec["weights"], strict=True)),
                float(spec["intercept"]),
                float(spec["threshold"]),
            )
            for name, spec in fields.items()
        },
        str(raw.get("trained_on", "")),
    )


@cache
def load_model(path: Path = MODEL_PATH) -> Model:
    """The committed model, read once per process."""
    return parse_model(json.loads(path.read_text(encoding="utf-8")))
