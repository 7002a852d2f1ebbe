"""Rate limits of the web edge: failed authentications and uploads, per token and per
client address, counted in Redis so every web process shares them (`limits`, a moving
window). Over a limit, the answer is 429 with `Retry-After`."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from limits import RateLimitItem, RateLimitItemPerMinute, parse
from limits.errors import StorageError
from limits.storage import (
    RedisClusterStorage,
    RedisStorage,
    Storage,
    storage_from_string,
)
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from app.errors import RateLimited

log = logging.getLogger(__name__)


class TooManyRequests(RateLimited):
    """Over a per-token or per-address limit of the web edge (a practice's own upload
    rate is `RateLimited` itself)."""

    code = "too_many_requests"


class Limiter(Protocol):
    def refuse_if_blocked(self, kind: str, keys: list[str]) -> None: ...

    def hit(self, kind: str, keys: list[str]) -> None: ...

    def let_in(self, keys: list[str], *, unless: str, counting: str) -> None:
        """`refuse_if_blocked(unless, keys)`, then `hit(counting, keys)`."""
        ...


class NoLimits:
    """For embedded tools and tests that are not about rate limits."""

    def refuse_if_blocked(self, kind: str, keys: list[str]) -> None:
        return None

    def hit(self, kind: str, keys: list[str]) -> None:
        return None

    def let_in(self, keys: list[str], *, unless: str, counting: str) -> None:
        return None


MESSAGES = {
    "failed_auth": "Too many failed authentications; wait before trying again.",
    "uploads": "Too many uploads; wait before sending more.",
    "sign_in_links": "Too many sign-in links asked for; wait before asking for another.",
}


# `let_in` in one round trip, on the lists `limits`' moving windows keep (newest entry
# first, at most `limit` entries): a window is full when its `limit`-th newest entry is
# still inside it, the very test `limits` makes before it adds one. KEYS: the keys of the
# blocking limit, then as many of the counted one. ARGV: now, then limit and expiry of
# each. Answers {0} (let in and counted), or {1 (blocked) or 2 (over the count), which
# key, when its window's oldest entry leaves it}, having counted nothing.
LET_IN = """
local now = tonumber(ARGV[1])
local n = #KEYS / 2
local function full(key, limit, expiry)
    if limit < 1 then
        return tostring(now)
    end
    local entry = redis.call('lindex', key, limit - 1)
    if entry and tonumber(entry) >= now - expiry then
        return tostring(tonumber(entry) + expiry)
    end
    return false
end
for i = 1, 2 * n do
    local limit, expiry = tonumber(ARGV[2]), tonumber(ARGV[3])
    if i > n then
        limit, expiry = tonumber(ARGV[4]), tonumber(ARGV[5])
    end
    local reset = full(KEYS[i], limit, expiry)
    if reset then
        return {i > n and 2 or 1, i > n and i - n or i, reset}
    end
end
for i = n + 1, 2 * n do
    redis.call('lpush', KEYS[i], ARGV[1])
    redis.call('ltrim', KEYS[i], 0, tonumber(ARGV[4]) - 1)
    redis.call('expire', KEYS[i], tonumber(ARGV[5]))
end
return {0}
"""


@dataclass
class RedisLimiter:
    """`refuse_if_blocked` before the work, `hit` for each counted event; a key is a client
    address (`addr:...`) or a token digest (`token:...`), never the token itself."""

    storage: Storage
    limits: dict[str, RateLimitItem]

    def __post_init__(self) -> None:
        self.strategy = MovingWindowRateLimiter(self.storage)
        # A cluster may keep an address's and a token's windows on different nodes, out
        # of one script's reach: there `let_in` takes the strategy's calls one by one.
        self._let_in: Any = None
        if isinstance(self.storage, RedisStorage) and not isinstance(
            self.storage, RedisClusterStorage
        ):
            self._let_in = self.storage.get_connection().register_script(LET_IN.encode())

    @classmethod
    def from_uri(
        cls,
        uri: str,
        *,
        key_prefix: str,
        failed_auth: str,
        uploads: str,
        sign_in_links: str = "5/15 minutes",
    ) -> RedisLimiter:
        options: dict[str, str | bool] = {"wrap_exceptions": True}
        if uri.startswith("redis"):
            options["key_prefix"] = key_prefix
        storage = storage_from_string(uri, **options)
        assert isinstance(storage, Storage)  # a synchronous one: the URI is not async+...
        rates = {"failed_auth": failed_auth, "uploads": uploads, "sign_in_links": sign_in_links}
        return cls(storage, {kind: parse(rate) for kind, rate in rates.items()})

    def refuse_if_blocked(self, kind: str, keys: list[str]) -> None:
        item = self.limits[kind]
        for key in keys:
            if not self._counted(self.strategy.test, item, kind, key):
                self._refuse(kind, item, key)

    def hit(self, kind: str, keys: list[str]) -> None:
        item = self.limits[kind]
        for key in keys:
            if not self._counted(self.strategy.hit, item, kind, key):
                self._refuse(kind, item, key)

    def let_in(self, keys: list[str], *, unless: str, counting: str) -> None:
        """Refuse a caller blocked by `unless` under any of its keys, or over `counting`
        under any; otherwise count it under every key. One round trip to Redis, and
        atomic: a caller refused under its token is not counted under its address."""
        if self._let_in is None:
            self.refuse_if_blocked(unless, keys)
            self.hit(counting, keys)
            return
        blocking, counted = self.limits[unless], self.limits[counting]
        names = [self._name(blocking, unless, key) for key in keys]
        names += [self._name(counted, counting, key) for key in keys]
        now = time.time()
        arguments = [now, blocking.amount, blocking.get_expiry()]
        try:
            answer = self._let_in(names, [*arguments, counted.amount, counted.get_expiry()])
        except self.storage.base_exceptions:
            log.warning("rate limits: Redis unreachable; %s not counted", counting, exc_info=True)
            return
        if answer[0]:
            kind = unless if answer[0] == 1 else counting
            retry_after = max(1, math.ceil(float(answer[2]) - now))
            raise TooManyRequests(MESSAGES[kind], retry_after=retry_after)

    def _name(self, item: RateLimitItem, kind: str, key: str) -> str:
        # The key `limits` keeps this window under, so both ways count in the same list.
        storage = self.storage
        assert isinstance(storage, RedisStorage)
        return storage.prefixed_key(item.key_for(kind, key))

    @staticmethod
    def _counted(
        check: Callable[[RateLimitItem, str, str], bool], item: RateLimitItem, kind: str, key: str
    ) -> bool:
        # Redis out of reach must not turn every request into a 500: the limit lapses,
        # loudly, and /readyz reports the broker's Redis as down meanwhile.
        try:
            return check(item, kind, key)
        except StorageError:
            log.warning("rate limits: Redis unreachable; %s not counted", kind, exc_info=True)
            return True

    def _refuse(self, kind: str, item: RateLimitItem, key: str) -> None:
        reset = self.strategy.get_window_stats(item, kind, key).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        raise TooManyRequests(MESSAGES[kind], retry_after=retry_after)


@dataclass
class PracticeUploads:
    """A practice's own upload rate (`admission.RateCounter`), counted in the same `limits`
    storage as the edge's limits, in fixed windows of a minute from its first upload."""

    storage: Storage

    def __post_init__(self) -> None:
        self.strategy = FixedWindowRateLimiter(self.storage)

    def over(self, key: str, per_minute: int) -> float | None:
        item = RateLimitItemPerMinute(per_minute)
        try:
            if self.strategy.hit(item, "practice_uploads", key):
                return None
            reset = self.strategy.get_window_stats(item, "practice_uploads", key).reset_time
        except StorageError:
            log.warning("rate limits: Redis unreachable; practice uploads not counted")
            return None
        return max(0.0, reset - time.time())


def token_key(secret: str) -> str:
    return "token:" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()[:32]


def address_key(host: str | None) -> str:
    return f"addr:{host or 'unknown'}"


def email_key(address: str) -> str:
    """An e-mail address as a rate-limit key: its digest, never the address itself."""
    digest = hashlib.sha256(address.strip().lower().encode("utf-8", "replace")).hexdigest()
    return "email:" + digest[:32]
