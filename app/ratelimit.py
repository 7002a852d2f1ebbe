"""A fixed-window counter in Redis, shared by every web process (upload rate limits)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class RedisWindowCounter:
    def __init__(
        self, client: Any, *, key_prefix: str = "", clock: Callable[[], float] = time.time
    ) -> None:
        self.client = client
        self.key_prefix = key_prefix
        self.clock = clock

    def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        now = self.clock()
        window = int(now // window_seconds)
        name = f"{self.key_prefix}dossier:rate:{key}:{window}"
        pipe = self.client.pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, 2 * window_seconds)
        count, _ = pipe.execute()
        return int(count), (window + 1) * window_seconds - now
