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
from typing import Protocol

from limits import RateLimitItem, RateLimitItemPerMinute, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
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


class NoLimits:
    """For embedded tools and tests that are not about rate limits."""

    def refuse_if_blocked(self, kind: str, keys: list[str]) -> None:
        return None

    def hit(self, kind: str, keys: list[str]) -> None:
        return None


MESSAGES = {
    "failed_auth": "Too many failed authentications; wait before trying again.",
    "uploads": "Too many uploads; wait before sending more.",
    "sign_in_links": "Too many sign-in links asked for; wait before asking for another.",
}


@dataclass
class RedisLimiter:
    """`refuse_if_blocked` before the work, `hit` for each counted event; a key is a client
    address (`addr:...`) or a token digest (`token:...`), never the token itself."""

    storage: Storage
    limits: dict[str, RateLimitItem]

    def __post_init__(self) -> None:
        self.strategy = MovingWindowRateLimiter(self.storage)

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
