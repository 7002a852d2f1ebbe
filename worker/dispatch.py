"""Sends the services' buffered messages through Celery, after their commit."""

from __future__ import annotations

import contextlib
import logging
import uuid

import redis
from celery import Celery

from app.config import Settings
from app.services import messages as tasks
from app.services.messages import TaskMessage
from worker.fairness import FairShare
from worker.nudge import GateNudge

REVOKE_CHUNK = 1000
log = logging.getLogger(__name__)


class CeleryDispatcher:
    def __init__(
        self,
        celery: Celery,
        fairness: FairShare | None = None,
        nudge: GateNudge | None = None,
    ) -> None:
        self.celery = celery
        self.fairness = fairness
        self.nudge = nudge

    def send(self, messages: list[TaskMessage]) -> None:
        messages, claimed = self._coalesce(messages)
        if not messages:
            return
        try:
            self._publish(messages)
        except Exception:
            # A nudge claimed but never sent would stand for the next uploads in vain.
            if claimed:
                with contextlib.suppress(redis.RedisError):
                    self.take_up_nudge()
            raise

    def _publish(self, messages: list[TaskMessage]) -> None:
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

    def _coalesce(self, messages: list[TaskMessage]) -> tuple[list[TaskMessage], bool]:
        """Replace the coalescible gate messages by one nudge, or by none when a nudge is
        already waiting to be taken up (it will see their documents); say whether this
        call claimed the nudge."""
        coalescible = [message for message in messages if message.coalesce]
        if self.nudge is None or not coalescible:
            return messages, False
        plain = [message for message in messages if not message.coalesce]
        try:
            claimed = self.nudge.claim()
        except redis.RedisError:
            log.warning("could not claim the gate nudge; sending each gate message")
            return messages, False
        return ([*plain, tasks.gate_nudge()] if claimed else plain), claimed

    def take_up_nudge(self) -> None:
        if self.nudge is not None:
            self.nudge.take_up()

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


def celery_dispatcher(celery: Celery, settings: Settings, broker: str) -> CeleryDispatcher:
    """The dispatcher web, worker and tools send through: extraction shared fairly between
    tenants (off when the burst is 0), new uploads' gates coalesced into one nudge (off
    when its lifetime is 0)."""
    client = redis.Redis.from_url(broker, socket_timeout=5)
    fairness = nudge = None
    if settings.extraction_fair_burst:
        fairness = FairShare(
            client, burst=settings.extraction_fair_burst, key_prefix=settings.broker_key_prefix
        )
    if settings.gate_nudge_seconds:
        nudge = GateNudge(
            client, seconds=settings.gate_nudge_seconds, key_prefix=settings.broker_key_prefix
        )
    return CeleryDispatcher(celery, fairness, nudge)
