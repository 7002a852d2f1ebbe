"""How many messages wait in each queue, read from the Redis lists the broker keeps."""

from __future__ import annotations

from typing import Any

from worker.celery_app import QUEUES
from worker.fairness import STEPS

# The Redis transport keeps one list per priority step: `queue`, then `queue\x06\x16N`.
PRIORITY_SEPARATOR = "\x06\x16"


def queue_depths(client: Any, key_prefix: str = "") -> dict[str, int]:
    keys = {
        queue: [
            f"{key_prefix}{queue}" + (f"{PRIORITY_SEPARATOR}{step}" if step else "")
            for step in STEPS
        ]
        for queue in QUEUES
    }
    pipeline = client.pipeline(transaction=False)
    for names in keys.values():
        for name in names:
            pipeline.llen(name)
    lengths = iter(pipeline.execute())
    return {queue: sum(next(lengths) for _ in names) for queue, names in keys.items()}
