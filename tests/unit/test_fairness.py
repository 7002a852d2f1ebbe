"""Fair shares of the extraction queue: a tenant's first messages of the minute go first;
a burst steps down, and only the bursting tenant's messages do."""

from __future__ import annotations

import fakeredis

from worker.fairness import STEPS, WINDOW_SECONDS, FairShare


def share(clock: list[float]) -> FairShare:
    return FairShare(fakeredis.FakeRedis(), burst=3, key_prefix="t:", clock=lambda: clock[0])


def test_a_burst_steps_down_while_another_tenant_keeps_the_top_priority() -> None:
    fair = share([1000.0])

    burst = fair.priorities(["practice:a"] * 14)
    other = fair.priorities(["practice:b"])

    assert burst == [0] * 3 + [3] * 9 + [6] * 2
    assert other == [0]


def test_counts_carry_across_batches_and_fade_after_two_windows() -> None:
    clock = [1000.0]
    fair = share(clock)
    fair.priorities(["practice:a"] * 3)

    assert fair.priorities(["practice:a", "practice:b"]) == [3, 0]
    clock[0] += WINDOW_SECONDS
    assert fair.priorities(["practice:a"]) == [3], "the last window still counts"
    clock[0] += 2 * WINDOW_SECONDS
    assert fair.priorities(["practice:a"]) == [0]


def test_the_lowest_step_is_the_floor() -> None:
    fair = share([0.0])
    assert fair.step(10**9) == STEPS[-1]
