"""The gatekeeper's verdict (SPEC §4 and invariant 1): extract only from an active file
someone pays for; skip with a reason otherwise; drop the work of a file that is going."""

from __future__ import annotations

import itertools

import pytest

from app.domain.gatekeeper import Decision, Verdict, verdict
from app.domain.model import Billing, FileStatus, SkipReason

STATUSES: list[FileStatus | None] = [*FileStatus, None]
BILLINGS: list[Billing | None] = [*Billing, None]


def expected(status: FileStatus | None, billing: Billing | None) -> Verdict:
    if status is None or status is FileStatus.DELETING:
        return Verdict(Decision.DROP)
    if status is FileStatus.DEACTIVATED:
        return Verdict(Decision.SKIP, SkipReason.CLIENT_FILE_DEACTIVATED)
    if billing in (Billing.PRACTICE, Billing.INDIVIDUAL):
        return Verdict(Decision.EXTRACT)
    return Verdict(Decision.SKIP, SkipReason.NO_SUBSCRIPTION)


@pytest.mark.parametrize(("status", "billing"), list(itertools.product(STATUSES, BILLINGS)))
def test_verdict_for_every_status_and_billing(
    status: FileStatus | None, billing: Billing | None
) -> None:
    assert verdict(status, billing) == expected(status, billing)


@pytest.mark.parametrize("billing", BILLINGS)
def test_a_file_that_is_gone_drops_its_work(billing: Billing | None) -> None:
    assert verdict(None, billing).decision is Decision.DROP


@pytest.mark.parametrize("billing", [Billing.PRACTICE, Billing.INDIVIDUAL])
def test_a_deactivated_file_never_extracts_whoever_pays(billing: Billing) -> None:
    ruling = verdict(FileStatus.DEACTIVATED, billing)

    assert ruling.decision is Decision.SKIP
    assert ruling.reason == "client_file_deactivated"


def test_a_detached_file_without_a_plan_is_skipped_for_lack_of_subscription() -> None:
    ruling = verdict(FileStatus.ACTIVE, Billing.NONE)

    assert ruling.decision is Decision.SKIP
    assert ruling.reason == "no_subscription"


def test_only_skips_carry_a_reason() -> None:
    for status, billing in itertools.product(STATUSES, BILLINGS):
        ruling = verdict(status, billing)
        assert (ruling.reason is not None) == (ruling.decision is Decision.SKIP)
