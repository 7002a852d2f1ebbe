"""Idempotency keys, for every way in: a request sent again with the same key gets the
first answer instead of a second effect; the same key with another request is refused.

Only accepted requests are remembered: a refused one changed nothing and is judged again
when it comes back. The answer is recorded in the transaction that makes the change, so
the two are committed together or not at all."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

from app.errors import ActionRefused, Forbidden, InvalidInput, NotFound
from app.persistence.idempotency import IdempotencyKeys, IdempotencyRecord
from app.persistence.uow import UnitOfWork

V = TypeVar("V")

HEADER = "Idempotency-Key"
# Printable ASCII without spaces at either end: what a UUID, a ULID or a file name is.
_KEY = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$")


class IdempotencyKeyReused(InvalidInput):
    """The key was used before with another request (another file, action or body)."""

    code = "idempotency_key_reused"


@dataclass(frozen=True, slots=True)
class KeyClaim:
    """A request's key, whose it is, and what the request was."""

    owner: str
    key: str
    fingerprint: str
    retention: timedelta


def checked_key(key: str) -> str:
    if not _KEY.match(key):
        raise InvalidInput(
            f"The {HEADER} header must be 1 to 255 printable ASCII characters, e.g. a UUID."
        )
    return key


def fingerprint(*parts: str) -> str:
    """A hash of what makes two requests the same: method, path, a hash of the body."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def remember(
    uow: UnitOfWork, claim: KeyClaim | None, result: dict[str, Any]
) -> dict[str, Any] | None:
    """Record `result` as the answer under the key, in the caller's transaction. None: it
    is recorded, go on and commit. Otherwise the first request's answer, to return instead
    (the caller rolls back); IdempotencyKeyReused when that request was another one."""
    if claim is None:
        return None
    now = uow.clock()
    keys = IdempotencyKeys(uow.session)
    record, created = keys.add_unless_present(
        IdempotencyRecord(
            owner=claim.owner,
            key=claim.key,
            fingerprint=claim.fingerprint,
            result=result,
            created_at=now,
            expires_at=now + claim.retention,
        )
    )
    if created:
        return None
    if record.expires_at <= now:
        # Past its retention but not yet cleaned: the key is free again.
        record.fingerprint, record.result = claim.fingerprint, result
        record.created_at, record.expires_at = now, now + claim.retention
        return None
    return _first_answer(record, claim)


def previous(uow: UnitOfWork, claim: KeyClaim | None) -> dict[str, Any] | None:
    """The first answer under the key, if a request with it was accepted and is still
    remembered; IdempotencyKeyReused when that request was another one."""
    if claim is None:
        return None
    record = IdempotencyKeys(uow.session).find(claim.owner, claim.key)
    if record is None or record.expires_at <= uow.clock():
        return None
    return _first_answer(record, claim)


def _first_answer(record: IdempotencyRecord, claim: KeyClaim) -> dict[str, Any]:
    if record.fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused(
            f"This {HEADER} was already used for another request (another file, action or "
            "content); send a new key for a new request.",
            idempotency_key=claim.key,
        )
    return dict(record.result)


def once(
    uow: UnitOfWork, claim: KeyClaim | None, work: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], bool]:
    """For work made of several transactions of its own, each idempotent under the key:
    the first answer if remembered (and True), else `work()`'s, remembered afterwards.
    A crash in between leaves nothing remembered; the work, run again, answers the same."""
    if claim is not None:
        with uow:
            first = previous(uow, claim)
        if first is not None:
            return first, True
    answer = work()
    if claim is None:
        return answer, False
    with uow:
        first = remember(uow, claim, answer)
        if first is not None:
            return first, True
        uow.commit()
    return answer, False


def forget(uow: UnitOfWork, claim: KeyClaim | None) -> None:
    """Drop the key of a request being undone (its message could not be sent), in the
    caller's transaction."""
    if claim is not None:
        IdempotencyKeys(uow.session).remove(claim.owner, claim.key)


def expire(uow: UnitOfWork, *, now: datetime, limit: int = 5000) -> int:
    """Remove up to `limit` keys past their retention; return how many (beat)."""
    with uow:
        removed = IdempotencyKeys(uow.session).delete_expired(now, limit)
        uow.commit()
        return removed


@dataclass(frozen=True, slots=True)
class Answered(Generic[V]):
    """A service's answer, and whether it is the first answer to its key given again."""

    value: V
    replayed: bool = False


def answered(
    uow: UnitOfWork, claim: KeyClaim | None, kind: type[V], work: Callable[[], V]
) -> Answered[V]:
    """`work()` in one transaction, committed with its answer remembered under the key;
    or, when a request with the key was accepted before, rolled back and that request's
    answer (`kind`, rebuilt) instead.

    Two requests with one key at the same moment: the second waits on the first's locks
    (or on its key's row) and then finds the first answer, whether its own work went
    through (rolled back) or was refused (the first request changed what it found)."""
    adapter = _adapter(kind)
    with uow:
        first = previous(uow, claim)
        if first is None:
            try:
                value = work()
            except (ActionRefused, Forbidden, NotFound):
                first = previous(uow, claim)
                if first is None:
                    raise
            else:
                first = remember(uow, claim, {"answer": adapter.dump_python(value, mode="json")})
                if first is None:
                    uow.commit()
                    return Answered(value)
        uow.rollback()
        return Answered(adapter.validate_python(first["answer"]), replayed=True)


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[V]) -> TypeAdapter[V]:
    # Built once per answer type: building one reads the type's fields.
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter
