"""Whether an upload may come in, decided before its body is read: the caller must see
the file; the file's practice (or the file, without one) must be under its upload rate
and its document quota. Counts live in Redis and PostgreSQL, shared by every web process."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Protocol

from app.config import Settings
from app.domain import people
from app.domain.model import Actor
from app.errors import ActionRefused, RateLimited
from app.persistence.auth import token_hash
from app.persistence.intake import FileSeen
from app.persistence.uow import UnitOfWork
from app.services import documents, tokens
from app.services.messages import tenant_of


class RateCounter(Protocol):
    def over(self, key: str, per_minute: int) -> float | None:
        """Count one more event under `key`: None while within `per_minute` in the
        current minute's window, otherwise the seconds until that window ends."""
        ...


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    rate_per_minute: int = 0  # uploads per practice per minute; 0: no limit
    quota_documents: int = 0  # documents a practice may hold; 0: no limit

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeLimits:
        return cls(settings.upload_rate_per_minute, settings.upload_quota_documents)


def admit(
    uow: UnitOfWork,
    actor: Actor,
    client_file_id: uuid.UUID,
    limits: IntakeLimits,
    counter: RateCounter | None,
) -> None:
    """For a caller already known: raise NotFound, ActionRefused (quota) or RateLimited;
    otherwise let it in."""
    # Reads only, each statement on its own: the upload checks the file again under its
    # lock, and the quota is a bound checked before the body, not a reservation.
    with uow.autocommit():
        client_file = uow.intake.file(client_file_id)
        practice_id = _check_file(uow, actor, client_file_id, client_file, limits)
    _count_rate(practice_id, client_file_id, limits, counter)


def admit_bearer(
    uow: UnitOfWork,
    secret: str,
    client_file_id: uuid.UUID,
    limits: IntakeLimits,
    counter: RateCounter | None,
) -> Actor | None:
    """The user a bearer token stands for, let in to upload into the file: the token (read
    on every request, never cached, so a revoke holds from the next request on in every
    process) and the file's access in one query, then the quota when there is one. None
    for a token that is not valid (nothing checked or counted then); otherwise NotFound,
    ActionRefused (quota) or RateLimited, or the actor, who for a client user is known
    to have this file only (all an upload into it asks)."""
    if not tokens.well_formed(secret):
        return None
    with uow.autocommit():
        now = uow.clock()
        found = uow.intake.admission(token_hash(secret), now, client_file_id)
        if found is None:
            return None
        owner, client_file = found
        if people.last_use_is_stale(owner.last_used_at, now):
            uow.tokens.mark_used(owner.token_id, now)
        granted = client_file is not None and client_file.granted
        actor = Actor(
            owner.user_id,
            owner.role,
            owner.practice_id,
            frozenset({client_file_id}) if granted else frozenset(),
            owner.is_admin,
        )
        practice_id = _check_file(uow, actor, client_file_id, client_file, limits)
    _count_rate(practice_id, client_file_id, limits, counter)
    return actor


def _check_file(
    uow: UnitOfWork,
    actor: Actor,
    client_file_id: uuid.UUID,
    client_file: FileSeen | None,
    limits: IntakeLimits,
) -> uuid.UUID | None:
    """The file's practice, once the actor may upload into it under the quota."""
    documents.check_open_for_upload(client_file, client_file_id, actor)
    assert client_file is not None
    if limits.quota_documents:
        held = uow.quotas.documents_of(client_file.practice_id, client_file_id)
        if held >= limits.quota_documents:
            raise ActionRefused(
                f"The subscription's quota of {limits.quota_documents} documents is "
                "reached; delete documents or raise the quota before uploading more.",
                reason="quota_exceeded",
                client_file_id=client_file_id,
            )
    return client_file.practice_id


def _count_rate(
    practice_id: uuid.UUID | None,
    client_file_id: uuid.UUID,
    limits: IntakeLimits,
    counter: RateCounter | None,
) -> None:
    if not limits.rate_per_minute or counter is None:
        return
    tenant = tenant_of(practice_id, client_file_id)
    resets_in = counter.over(f"uploads:{tenant}", limits.rate_per_minute)
    if resets_in is not None:
        raise RateLimited(
            f"Too many uploads: at most {limits.rate_per_minute} a minute for this "
            "practice. Send the rest shortly.",
            retry_after=max(1, math.ceil(resets_in)),
            client_file_id=client_file_id,
        )
