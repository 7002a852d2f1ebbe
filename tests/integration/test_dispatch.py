"""The dispatcher pushes a transaction's messages to Redis in one pipelined batch: every
message arrives, on its own queue, under its own id, in the order it was sent."""

from __future__ import annotations

import base64
import json
import uuid

import redis

from app.services import messages
from tests.integration.conftest import Stack
from tests.support import services
from worker.dispatch import CeleryDispatcher


def test_a_batch_of_messages_arrives_whole_and_in_order(stack: Stack) -> None:
    documents = [uuid.uuid4() for _ in range(250)]
    batch = [messages.extract(document_id, uuid.uuid4()) for document_id in documents]
    batch.append(messages.gate(uuid.uuid4(), uuid.uuid4()))

    CeleryDispatcher(stack.celery).send(batch)

    client = redis.Redis.from_url(services.REDIS_URL)
    prefix = stack.settings.broker_key_prefix
    # Celery pushes to the head and consumes from the tail: oldest last in the list.
    queued = [json.loads(raw) for raw in reversed(client.lrange(prefix + "extraction", 0, -1))]
    assert [m["headers"]["id"] for m in queued] == [str(m.task_id) for m in batch[:-1]]
    assert {m["headers"]["task"] for m in queued} == {messages.EXTRACT}
    # The body is Celery's [args, kwargs, embed], base64-encoded by the Redis transport.
    bodies = [json.loads(base64.b64decode(m["body"]))[1] for m in queued]
    assert [body["document_id"] for body in bodies] == [str(d) for d in documents]
    assert client.llen(prefix + "gate") == 1
