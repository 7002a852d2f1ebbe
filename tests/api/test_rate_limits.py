"""Rate limits on failed authentication and on uploads, per client address and per token,
counted in a real Redis (a key prefix of our own) so that every web process shares them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.api.ratelimit import MESSAGES, PracticeUploads, RedisLimiter, TooManyRequests
from app.bootstrap import Runtime
from app.web import create_app
from tests.api.conftest import World, text_bytes
from tests.support.services import REDIS_URL, check_redis, scratch_key_prefix


@pytest.fixture
def key_prefix() -> Iterator[str]:
    check_redis()
    with scratch_key_prefix("dossier-limits-test") as prefix:
        yield prefix


def web_process(runtime: Runtime, key_prefix: str) -> TestClient:
    """One web process: its own app and limiter, the shared database and Redis."""
    limiter = RedisLimiter.from_uri(
        REDIS_URL, key_prefix=key_prefix, failed_auth="3/minute", uploads="2/minute"
    )
    # No `with`: the lifespan would close the runtime the other process still uses.
    return TestClient(create_app(runtime, broker_check=lambda: None, limiter=limiter))


def test_failed_authentications_are_limited_across_web_processes(
    runtime: Runtime, world: World, key_prefix: str
) -> None:
    first, second = web_process(runtime, key_prefix), web_process(runtime, key_prefix)
    path = f"/v1/client-files/{world.own}"

    failures = [
        process.get(path, headers=world.auth("bad_token")).status_code
        for process in (first, second, first)
    ]
    limited = second.get(path, headers={"Authorization": "Bearer dos_another-bad-one"})
    # The address is blocked, so even a good token waits: guessing cannot go on meanwhile.
    good = first.get(path, headers=world.auth("staff_a"))

    assert failures == [401, 401, 401]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "too_many_requests"
    assert good.status_code == 429


def test_uploads_are_limited_per_token_and_address(
    runtime: Runtime, world: World, key_prefix: str
) -> None:
    first, second = web_process(runtime, key_prefix), web_process(runtime, key_prefix)
    path = f"/v1/client-files/{world.own}/documents"

    def send(process: TestClient) -> int:
        files = {"file": ("r.txt", text_bytes(), "text/plain")}
        return process.post(path, files=files, headers=world.auth("staff_a")).status_code

    answers = [send(first), send(second), send(first)]

    assert answers == [202, 202, 429]


def test_successful_requests_are_not_counted_as_failures(
    runtime: Runtime, world: World, key_prefix: str
) -> None:
    process = web_process(runtime, key_prefix)

    answers = {
        process.get(f"/v1/client-files/{world.own}", headers=world.auth("staff_a")).status_code
        for _ in range(6)
    }

    assert answers == {200}


def test_an_unreachable_redis_lets_requests_through(runtime: Runtime, world: World) -> None:
    limiter = RedisLimiter.from_uri(
        "redis://127.0.0.1:1/0", key_prefix="unused", failed_auth="1/minute", uploads="1/minute"
    )
    process = TestClient(create_app(runtime, broker_check=lambda: None, limiter=limiter))

    answers = [
        process.get(f"/v1/client-files/{world.own}", headers=world.auth(who)).status_code
        for who in ("bad_token", "bad_token", "staff_a")
    ]

    assert answers == [401, 401, 200]


def test_a_practices_own_upload_rate_is_counted_in_the_same_storage_by_every_process(
    key_prefix: str,
) -> None:
    def process() -> PracticeUploads:
        limiter = RedisLimiter.from_uri(
            REDIS_URL, key_prefix=key_prefix, failed_auth="3/minute", uploads="9/minute"
        )
        return PracticeUploads(limiter.storage)

    first, second = process(), process()

    answers = [first.over("uploads:practice:a", 2), second.over("uploads:practice:a", 2)]
    refused = first.over("uploads:practice:a", 2)
    other_practice = second.over("uploads:practice:b", 2)

    assert answers == [None, None]
    assert refused is not None
    assert 0 < refused <= 60
    assert other_practice is None


def limiter_of(key_prefix: str) -> RedisLimiter:
    return RedisLimiter.from_uri(
        REDIS_URL, key_prefix=key_prefix, failed_auth="3/minute", uploads="2/minute"
    )


KEYS = ["addr:10.0.0.7", "token:feedbeef"]


def let_in(limiter: RedisLimiter, keys: list[str] = KEYS) -> int | None:
    """None when let in, else the Retry-After of the refusal."""
    try:
        limiter.let_in(keys, unless="failed_auth", counting="uploads")
    except TooManyRequests as refused:
        return refused.retry_after
    return None


def remaining(limiter: RedisLimiter, kind: str, key: str) -> int:
    return limiter.strategy.get_window_stats(limiter.limits[kind], kind, key).remaining


def test_uploads_are_let_in_up_to_the_limit_exactly_and_the_next_is_refused(
    key_prefix: str,
) -> None:
    first, second = limiter_of(key_prefix), limiter_of(key_prefix)

    answers = [let_in(first), let_in(second)]
    refused = let_in(first)

    assert answers == [None, None]
    assert refused is not None
    assert 1 <= refused <= 60
    # Counted in the windows `limits` itself keeps: its own view agrees, key by key.
    assert [remaining(first, "uploads", key) for key in KEYS] == [0, 0]


def test_uploads_counted_by_the_strategy_and_by_let_in_share_one_window(
    key_prefix: str,
) -> None:
    limiter = limiter_of(key_prefix)
    limiter.hit("uploads", KEYS[1:])

    answers = [let_in(limiter), let_in(limiter)]

    assert answers[0] is None
    assert answers[1] is not None  # the token's second upload of the minute was its last
    assert remaining(limiter, "uploads", KEYS[0]) == 1


def test_a_caller_refused_under_one_key_is_counted_under_none(key_prefix: str) -> None:
    limiter = limiter_of(key_prefix)
    limiter.hit("uploads", KEYS[1:])
    limiter.hit("uploads", KEYS[1:])

    refused = let_in(limiter)

    assert refused is not None
    assert remaining(limiter, "uploads", KEYS[0]) == 2


def test_a_caller_blocked_for_failed_authentications_is_refused_and_not_counted(
    key_prefix: str,
) -> None:
    limiter = limiter_of(key_prefix)
    for _ in range(2):
        limiter.hit("failed_auth", KEYS[:1])
    let_in_below_the_block = let_in(limiter)
    limiter.hit("failed_auth", KEYS[:1])

    with pytest.raises(TooManyRequests) as blocked:
        limiter.let_in(KEYS, unless="failed_auth", counting="uploads")

    assert let_in_below_the_block is None
    assert str(blocked.value) == MESSAGES["failed_auth"]
    assert 1 <= blocked.value.retry_after <= 60
    assert [remaining(limiter, "uploads", key) for key in KEYS] == [1, 1]


def test_an_unreachable_redis_lets_uploads_through(runtime: Runtime, world: World) -> None:
    limiter = RedisLimiter.from_uri(
        "redis://127.0.0.1:1/0", key_prefix="unused", failed_auth="1/minute", uploads="1/minute"
    )
    process = TestClient(create_app(runtime, broker_check=lambda: None, limiter=limiter))

    answers = [
        process.post(
            f"/v1/client-files/{world.own}/documents",
            files={"file": ("r.txt", text_bytes(), "text/plain")},
            headers=world.auth("staff_a"),
        ).status_code
        for _ in range(2)
    ]

    assert answers == [202, 202]
