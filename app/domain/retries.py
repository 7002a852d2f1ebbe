"""When a document may be sent for extraction again: it ended `failed` or `skipped`, and
its file would extract a new upload right now (so no skip reason still holds)."""

from __future__ import annotations

import enum

from app.domain.gatekeeper import Decision, verdict
from app.domain.model import Billing, DocumentStatus, FileStatus, SkipReason
from app.domain.rules import Refusal


class Which(enum.StrEnum):
    """The documents of a file a resend takes."""

    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def status(self) -> DocumentStatus:
        return DocumentStatus(self.value)


RETRYABLE_STATUSES = frozenset({DocumentStatus.FAILED, DocumentStatus.SKIPPED})

_BY_FILE_STATE = {
    None: Refusal(
        "file_being_deleted",
        "This client file is being deleted; its documents cannot be sent again.",
    ),
    SkipReason.CLIENT_FILE_DEACTIVATED: Refusal(
        "client_file_deactivated",
        "This client file is deactivated: reactivate it before sending documents again.",
    ),
    SkipReason.NO_SUBSCRIPTION: Refusal(
        "no_subscription",
        "This client file has no subscription: the client must take a plan, or attach the "
        "file to a practice, before its documents are sent again.",
    ),
}


def file_refusal(status: FileStatus, billing: Billing) -> Refusal | None:
    """Why nothing of this file may be sent again now, or None when it may."""
    ruling = verdict(status, billing)
    if ruling.decision is Decision.EXTRACT:
        return None
    return _BY_FILE_STATE[ruling.reason]


def document_refusal(status: DocumentStatus) -> Refusal | None:
    """Why this document may not be sent again (its file allowing it), or None."""
    if status in RETRYABLE_STATUSES:
        return None
    if status is DocumentStatus.EXTRACTED:
        return Refusal("already_extracted", "This document is already extracted.")
    return Refusal(
        "still_in_progress",
        "This document is still on its way through extraction; wait for it to finish.",
    )
