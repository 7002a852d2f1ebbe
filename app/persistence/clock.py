"""One clock per unit of work. The unit of work hands its clock to its session; the
repositories read the time from it (`now`), and the columns that default to the wall
clock (`created_at`, `updated_at`, ...) are filled from it at flush, so that a test that
freezes the clock freezes every timestamp written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.schema import ColumnDefault

from app.persistence.models import utcnow

Clock = Callable[[], datetime]
_KEY = "dossier_clock"


def use_clock(session: Session, clock: Clock) -> None:
    """Every timestamp `session` writes comes from `clock`."""
    session.info[_KEY] = clock
    if clock is not utcnow:  # the column defaults already read the wall clock
        event.listen(session, "before_flush", _stamp)


def now(session: Session) -> datetime:
    """The time by the clock of the unit of work that opened `session`."""
    clock: Clock = session.info.get(_KEY, utcnow)
    return clock()


def _stamp(session: Session, flush_context: Any, instances: Any) -> None:
    clock: Clock = session.info.get(_KEY, utcnow)
    stamp: datetime | None = None
    for instance in session.new:
        unset = [key for key in _wall_clock(type(instance)).defaults if key not in vars(instance)]
        if unset:
            stamp = stamp or clock()
            for key in unset:
                setattr(instance, key, stamp)
    for instance in session.dirty:
        keys = _wall_clock(type(instance)).on_update
        if not keys or not session.is_modified(instance, include_collections=False):
            continue
        state = inspect(instance)
        stamp = stamp or clock()
        for key in keys:
            if not state.attrs[key].history.has_changes():
                setattr(instance, key, stamp)
                # Written even when equal to the stored value: a column left out of the
                # UPDATE would take its `onupdate` from the wall clock.
                flag_modified(instance, key)


@dataclass(frozen=True)
class _WallClockColumns:
    defaults: tuple[str, ...]  # the attributes whose column defaults to the wall clock
    on_update: tuple[str, ...]  # those whose column takes it on every update


_found: dict[type, _WallClockColumns] = {}


def _wall_clock(model: type) -> _WallClockColumns:
    if model not in _found:
        mapper: Mapper[Any] = inspect(model)
        props = list(mapper.column_attrs)
        _found[model] = _WallClockColumns(
            tuple(prop.key for prop in props if _reads_wall_clock(prop.columns[0].default)),
            tuple(prop.key for prop in props if _reads_wall_clock(prop.columns[0].onupdate)),
        )
    return _found[model]


def _reads_wall_clock(default: Any) -> bool:
    return (
        isinstance(default, ColumnDefault)
        and default.is_callable
        and getattr(default.arg, "__wrapped__", default.arg) is utcnow
    )
