"""The dispatcher pushes a transaction's messages to Redis in one pipelined batch: every
message arrives, on its own queue, under its own id, in the order it was sent. New
uploads' gates share one nudge."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import redis

from app.services import messages
from tests.integration.conftest import Stack
from tests.support import services
from worker.celery_app import create_celery
from worker.dispatch import CeleryDispatcher, celery_dispatcher


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


def gate_tasks(stack: Stack) -> list[str]:
    client = redis.Redis.from_url(services.REDIS_URL)
    try:
        raw = client.lrange(stack.settings.broker_key_prefix + "gate", 0, -1)
    finally:
        client.close()
    return [json.loads(message)["headers"]["task"] for message in reversed(raw)]


def test_new_uploads_gates_share_one_nudge_until_a_worker_takes_it_up(stack: Stack) -> None:
    dispatcher = celery_dispatcher(stack.celery, stack.settings, services.REDIS_URL)

    def upload_gate() -> None:
        dispatcher.send([messages.gate(uuid.uuid4(), uuid.uuid4(), coalesce=True)])

    upload_gate()
    upload_gate()
    upload_gate()
    assert gate_tasks(stack) == [messages.GATE_PENDING]

    dispatcher.take_up_nudge()
    upload_gate()
    # A gate that may not be coalesced (the sweeper's) always goes as it is.
    dispatcher.send([messages.gate(uuid.uuid4(), uuid.uuid4())])
    assert gate_tasks(stack) == [messages.GATE_PENDING, messages.GATE_PENDING, messages.GATE]


def test_a_nudge_that_could_not_be_sent_stands_for_nobody(stack: Stack) -> None:
    dispatcher = celery_dispatcher(stack.celery, stack.settings, services.REDIS_URL)
    broken = celery_dispatcher(
        create_celery(stack.settings.model_copy(update={"broker_url": "redis://127.0.0.1:1/0"})),
        stack.settings,
        services.REDIS_URL,
    )

    with pytest.raises(Exception, match=r"(?i)connect|refused"):
        broken.send([messages.gate(uuid.uuid4(), uuid.uuid4(), coalesce=True)])
    dispatcher.send([messages.gate(uuid.uuid4(), uuid.uuid4(), coalesce=True)])

    assert gate_tasks(stack) == [messages.GATE_PENDING]
