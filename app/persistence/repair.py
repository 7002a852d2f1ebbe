"""`dossier db repair`: find the stored times no reader can load and bring them back into
bounds, without loading them (a PostgreSQL `timestamptz` in the year 10000 fails the moment
a row holding it is read).

Such rows were written before the API checked times at the edge, e.g. a retention hold
until `9999-12-31T23:59:59-12:00`. A time past the latest bound becomes the latest bound
(a hold stays a hold, a far schedule stays far); one before the earliest becomes it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Column, Engine, Table, inspect, update

from app.domain import instants
from app.persistence.models import Base, UTCDateTime


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


def repair_instants(engine: Engine) -> list[Repaired]:
    """Clamp every stored time into the bounds; return what was changed (nothing twice)."""
    # Every model module, so that each table is known to the metadata.
    from app.persistence import auth, exports, schedules, webhooks  # noqa: F401

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
