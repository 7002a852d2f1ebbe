"""Value types of the domain."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


class Billing(enum.StrEnum):
    PRACTICE = "practice"
    INDIVIDUAL = "individual"
    NONE = "none"


class FileStatus(enum.StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    DELETING = "deleting"


class Role(enum.StrEnum):
    STAFF = "staff"
    CLIENT = "client"


class DocumentStatus(enum.StrEnum):
    PENDING = "pending"  # stored, waiting for the gatekeeper
    QUEUED = "queued"  # the gatekeeper allowed it; waiting for an extraction worker
    EXTRACTING = "extracting"  # a worker has started extracting it
    EXTRACTED = "extracted"
    SKIPPED = "skipped"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {DocumentStatus.EXTRACTED, DocumentStatus.SKIPPED, DocumentStatus.FAILED}
)
# Documents whose extraction has not started yet: lifecycle purges act on these.
NOT_STARTED_STATUSES = frozenset({DocumentStatus.PENDING, DocumentStatus.QUEUED})


class SkipReason(enum.StrEnum):
    CLIENT_FILE_DEACTIVATED = "client_file_deactivated"
    NO_SUBSCRIPTION = "no_subscription"


class Action(enum.StrEnum):
    DETACH = "detach"
    DEACTIVATE = "deactivate"
    DELETE = "delete"
    REACTIVATE = "reactivate"
    INVITE_CLIENT_USER = "invite_client_user"
    SUBSCRIBE = "subscribe"
    ATTACH = "attach"


class JobStatus(enum.StrEnum):
    """A lifecycle job's state, whoever asked for it (API, schedule, bulk, another service)."""

    PENDING = "pending"  # accepted, no worker has picked it up yet
    RUNNING = "running"  # a deletion under way (batches, or its grace period)
    DONE = "done"
    REFUSED = "refused"  # the rules said no; the reason says why, nothing changed
    CANCELLED = "cancelled"  # a deletion cancelled during its grace period
    PREVIEW = "preview"  # a dry run's answer: what the job would do; never stored

    @property
    def is_finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.REFUSED, JobStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class FileState:
    """What the lifecycle rules need to know about one client file."""

    practice_id: uuid.UUID | None
    billing: Billing
    status: FileStatus
    client_user_count: int
    deactivated_at: datetime | None = None
    hold_until: datetime | None = None  # a retention hold refuses deletion until then
    hold_reason: str | None = None
    purge_after: datetime | None = None  # a deletion in its grace period: cancellable

    @property
    def is_attached(self) -> bool:
        return self.practice_id is not None

    def evolve(self, **changes: object) -> FileState:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class LifecyclePolicy:
    """The practice-wide timing rules; zero means off (the default)."""

    reactivation_cooldown: timedelta = timedelta(0)
    deletion_grace: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: practice staff of one practice, or a client user of some files."""

    user_id: uuid.UUID
    role: Role
    practice_id: uuid.UUID | None = None
    client_file_ids: frozenset[uuid.UUID] = frozenset()
    # A practice admin manages the practice's staff and webhooks.
    is_admin: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF

    @property
    def is_practice_admin(self) -> bool:
        return self.is_staff and self.is_admin and self.practice_id is not None

    def can_see(self, file_id: uuid.UUID, attached_to: uuid.UUID | None) -> bool:
        """Access follows the lifecycle: staff see only files attached to their practice;
        client users only the files they were given access to."""
        if self.is_staff:
            return attached_to is not None and attached_to == self.practice_id
        return file_id in self.client_file_ids
