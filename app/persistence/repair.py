"""`dossier db repair`: bring the stored times no reader can load back into bounds,
without loading them (a PostgreSQL `timestamptz` in the year 10000 fails the moment a row
holding it is read), and turn document reasons that hold exception text into codes.

Such times were written before the API checked them at the edge, e.g. a retention hold
until `9999-12-31T23:59:59-12:00`. A time past the latest bound becomes the latest bound
(a hold stays a hold, a far schedule stays far); one before the earliest becomes it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Column, Engine, Table, inspect, update

from app.domain import instants, reasons
from app.persistence.models import Base, Document, UTCDateTime


@dataclass(frozen=True, slots=True)
class Repaired:
    table: str
    column: str
    rows: int

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.rows} row(s) brought within bounds"


def _time_columns(existing: set[str]) -> Iterator[tuple[Table, Column[object]]]:
    for table in Base.metadata.sorted_tables:
        if table.name not in existing:
            continue
        for column in table.columns:
            if isinstance(column.type, UTCDateTime):
                yield table, column


# Document reasons written as raw exception text before reasons were codes.
LEGACY_REASONS = (
    ("The extraction engine failed:%", reasons.ENGINE_ERROR),
    ("extraction was interrupted %", reasons.INTERRUPTED),
    ("The PDF cannot be opened:%", reasons.UNREADABLE),
    ("The image is damaged:%", reasons.UNREADABLE),
)


def repair_reasons(engine: Engine) -> list[Repaired]:
    """Replace document reasons that carry exception text by their stable code."""
    repaired = []
    with engine.begin() as connection:
        for pattern, code in LEGACY_REASONS:
            result = connection.execute(
                update(Document).where(Document.reason.like(pattern)).values(reason=code)
            )
            if result.rowcount:
                repaired.append(Repaired("documents", f"reason ({code})", result.rowcount))
    return repaired


def repair_instants(engine: Engine) -> list[Repaired]:
    """Clamp every stored time into the bounds; return what was changed (nothing twice)."""
    # Every model module, so that each table is known to the metadata.
    from app.persistence import auth, exports, idempotency, schedules, webhooks  # noqa: F401

    repaired = []
    existing = set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        for table, column in _time_columns(existing):
            rows = 0
            for outside, bound in (
                (column > instants.LATEST, instants.LATEST),
                (column < instants.EARLIEST, instants.EARLIEST),
            ):
                result = connection.execute(update(table).where(outside).values({column: bound}))
                rows += result.rowcount
            if rows:
                repaired.append(Repaired(table.name, column.name, rows))
    return repaired
