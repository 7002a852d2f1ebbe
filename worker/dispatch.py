"""Sends the services' buffered messages through Celery, after their commit."""

from __future__ import annotations

import logging
import uuid

import redis
from celery import Celery

from app.config import Settings
from app.services.messages import TaskMessage
from worker.fairness import FairShare

REVOKE_CHUNK = 1000
log = logging.getLogger(__name__)


class CeleryDispatcher:
    def __init__(self, celery: Celery, fairness: FairShare | None = None) -> None:
        self.celery = celery
        self.fairness = fairness

    def send(self, messages: list[TaskMessage]) -> None:
        priorities = self._priorities(messages)
        # One connection and producer for the whole batch, and its messages pushed to
        # Redis in one pipelined round trip (kombu's publish batch) instead of one each.
        with self.celery.producer_or_acquire() as producer, producer.batch():
            for message in messages:
                self.celery.send_task(
                    message.name,
                    kwargs=message.payload,
                    task_id=str(message.task_id),
                    producer=producer,
                    # Routed by queue name, which Redis needs no declaration for: skip
                    # kombu's per-message declare check.
                    declare=[],
                    priority=priorities.get(message.task_id),
                )

    def _priorities(self, messages: list[TaskMessage]) -> dict[uuid.UUID, int]:
        shared = [message for message in messages if message.tenant is not None]
        if self.fairness is None or not shared:
            return {}
        try:
            levels = self.fairness.priorities([str(message.tenant) for message in shared])
        except redis.RedisError:
            # Fairness is an ordering, never a condition: without it, send in plain order.
            log.warning("could not count tenants' extractions; sending without priorities")
            return {}
        return {message.task_id: level for message, level in zip(shared, levels, strict=True)}

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        ids = [str(task_id) for task_id in task_ids]
        for start in range(0, len(ids), REVOKE_CHUNK):
            self.celery.control.revoke(ids[start : start + REVOKE_CHUNK])
        return len(ids)


def fair_dispatcher(celery: Celery, settings: Settings, broker: str) -> CeleryDispatcher:
    """A dispatcher sharing extraction fairly between tenants (off when the burst is 0)."""
    if not settings.extraction_fair_burst:
        return CeleryDispatcher(celery)
    fairness = FairShare(
        redis.Redis.from_url(broker, socket_timeout=5),
        burst=settings.extraction_fair_burst,
        key_prefix=settings.broker_key_prefix,
    )
    return CeleryDispatcher(celery, fairness)
