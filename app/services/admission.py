"""Whether an upload may come in, decided before its body is read: the caller must see
the file; the file's practice (or the file, without one) must be under its upload rate
and its document quota. Counts live in Redis and PostgreSQL, shared by every web process."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Protocol

from app.config import Settings
from app.domain.model import Actor
from app.errors import ActionRefused, RateLimited
from app.persistence.uow import UnitOfWork
from app.services import documents
from app.services.messages import tenant_of

RATE_WINDOW_SECONDS = 60


class RateCounter(Protocol):
    def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        """Count one more event under `key`; return the count in the current window and
        the seconds until that window ends."""
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
    """Raise NotFound, ActionRefused (quota) or RateLimited; otherwise let it in."""
    with uow:
        client_file = documents.open_for_upload(uow, actor, client_file_id)
        practice_id = client_file.practice_id
        if limits.quota_documents:
            held = uow.quotas.documents_of(practice_id, client_file_id)
            if held >= limits.quota_documents:
                raise ActionRefused(
                    f"The subscription's quota of {limits.quota_documents} documents is "
                    "reached; delete documents or raise the quota before uploading more.",
                    reason="quota_exceeded",
                    client_file_id=client_file_id,
                )
    if limits.rate_per_minute and counter is not None:
        tenant = tenant_of(practice_id, client_file_id)
        count, resets_in = counter.hit(f"uploads:{tenant}", RATE_WINDOW_SECONDS)
        if count > limits.rate_per_minute:
            raise RateLimited(
                f"Too many uploads: at most {limits.rate_per_minute} a minute for this "
                "practice. Send the rest shortly.",
                retry_after=max(1, math.ceil(resets_in)),
                client_file_id=client_file_id,
            )
