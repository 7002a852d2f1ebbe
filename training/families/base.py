"""A layout family: which documents it prints (`Spec`) and how it draws them."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from training.document import Document, Spec

Draw = Callable[[Document, random.Random], bytes]


@dataclass(frozen=True)
class Family:
    name: str
    draw: Draw
    spec: Spec = field(default_factory=Spec)
    # Receipts are photographed narrow and close; pages from further away.
    narrow: bool = False
