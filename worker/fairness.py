"""Fair shares of the extraction queue between tenants (practices, or files without one).

Each tenant's extraction messages are counted in Redis over a sliding minute, shared by
every process that sends them. A tenant's first `burst` messages of the minute go at the
top priority; beyond that, its messages step down (the Redis transport keeps one list per
priority step and workers empty the higher ones first). A practice sending thousands thus
waits behind a practice sending a few, instead of the other way round, and nothing is
ever dropped: a low priority still runs whenever the higher lists are empty."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

# The Redis transport's default priority steps (0 is served first).
STEPS = (0, 3, 6, 9)
WINDOW_SECONDS = 60


class FairShare:
    def __init__(
        self,
        client: Any,
        *,
        burst: int,
        key_prefix: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.burst = burst
        self.key_prefix = key_prefix
        self.clock = clock

    def priorities(self, tenants: list[str]) -> list[int]:
        """The priority of each message, given its tenant in sending order; counts them."""
        sizes = Counter(tenants)
        recent = self._count(sizes)
        seen: Counter[str] = Counter()
        priorities = []
        for tenant in tenants:
            rank = recent[tenant] + seen[tenant]
            seen[tenant] += 1
            priorities.append(self.step(rank))
        return priorities

    def step(self, rank: int) -> int:
        """Top priority for the first `burst`, then one step down each time four times as many."""
        limit, level = self.burst, 0
        while rank >= limit and level < len(STEPS) - 1:
            limit, level = limit * 4, level + 1
        return STEPS[level]

    def _count(self, sizes: Counter[str]) -> dict[str, int]:
        """Add this batch to each tenant's count; return what each had sent before it in
        the last minute or so (this window and the one before)."""
        window = int(self.clock() // WINDOW_SECONDS)
        pipe = self.client.pipeline(transaction=False)
        for tenant, size in sizes.items():
            key = self._key(tenant, window)
            pipe.incrby(key, size)
            pipe.expire(key, 2 * WINDOW_SECONDS)
            pipe.get(self._key(tenant, window - 1))
        replies = pipe.execute()
        recent = {}
        for index, (tenant, size) in enumerate(sizes.items()):
            now, _, before = replies[3 * index : 3 * index + 3]
            recent[tenant] = int(now) - size + int(before or 0)
        return recent

    def _key(self, tenant: str, window: int) -> str:
        return f"{self.key_prefix}dossier:fair:{tenant}:{window}"
