"""CPU time of the default extraction engine on hostile inputs (docs/extraction.md,
"Bounded work"): each must stay under 2 s of CPU on this machine.

    .venv/bin/python benchmarks/adversarial_extraction.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from app.domain.filetypes import PDF, TEXT  # noqa: E402
from app.extraction.engine import InvoiceEngine, RuleEngine  # noqa: E402
from tests.unit.extraction.samples import (  # noqa: E402
    long_invoice_pdf,
    many_numbers,
    total_flood,
)

_LIMIT_SECONDS = 2.0


def main() -> None:
    inputs = [
        ("'Total ' x 80,000 (480 KB text)", total_flood(), TEXT),
        ("20,000 numbers on a page (text)", many_numbers(20_000), TEXT),
        ("50-page text PDF", long_invoice_pdf(50), PDF),
    ]
    worst = 0.0
    for engine in (InvoiceEngine(), RuleEngine()):
        engine.extract(b"Total 1,00", TEXT)  # imports and the model file, once per worker
        for name, data, content_type in inputs:
            started = time.thread_time()
            result = engine.extract(data, content_type)
            cpu = time.thread_time() - started
            worst = max(worst, cpu)
            print(f"{engine.name:14} {name:34} {len(data):>9} bytes  {cpu:6.3f} s CPU"
                  f"  total={result.fields['total']}")  # fmt: skip
    print(f"\nworst {worst:.3f} s CPU (limit {_LIMIT_SECONDS} s): "
          f"{'ok' if worst < _LIMIT_SECONDS else 'OVER'}")  # fmt: skip


if __name__ == "__main__":
    main()
