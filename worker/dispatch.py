"""Sends the services' buffered messages through Celery, after their commit."""

from __future__ import annotations

import uuid

from celery import Celery

from app.services.messages import TaskMessage

REVOKE_CHUNK = 1000


class CeleryDispatcher:
    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    def send(self, messages: list[TaskMessage]) -> None:
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
                )

    def revoke(self, task_ids: list[uuid.UUID]) -> int:
        ids = [str(task_id) for task_id in task_ids]
        for start in range(0, len(ids), REVOKE_CHUNK):
            self.celery.control.revoke(ids[start : start + REVOKE_CHUNK])
        return len(ids)
