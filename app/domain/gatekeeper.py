"""The gatekeeper's verdict for one document, from its file's state at that moment."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.domain.model import Billing, FileStatus, SkipReason


class Decision(enum.StrEnum):
    EXTRACT = "extract"
    SKIP = "skip"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    reason: SkipReason | None = None


EXTRACT = Verdict(Decision.EXTRACT)
DROP = Verdict(Decision.DROP)


def verdict(status: FileStatus | None, billing: Billing | None) -> Verdict:
    """Extract only while the file is active and someone pays for it.

    A `None` status means the file no longer exists: the document goes with it.
    """
    if status is None or status is FileStatus.DELETING:
        return DROP
    if status is FileStatus.DEACTIVATED:
        return Verdict(Decision.SKIP, SkipReason.CLIENT_FILE_DEACTIVATED)
    if billing is Billing.NONE or billing is None:
        return Verdict(Decision.SKIP, SkipReason.NO_SUBSCRIPTION)
    return EXTRACT
