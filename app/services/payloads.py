"""Task payloads: the services build their messages from these models, and the worker
validates each message it receives as the same model at its edge (unknown fields are
refused, not ignored). A lifecycle change's payload is its command
(`app/services/commands.py`) and the `JobPayload` beside it."""

from __future__ import annotations

import uuid
from typing import Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from app.errors import InvalidInput


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def body(self) -> dict[str, Any]:
        """The message's keyword arguments, as JSON."""
        return self.model_dump(mode="json")


class DocumentPayload(Payload):
    document_id: uuid.UUID


class GatePendingPayload(Payload):
    pass


class JobPayload(Payload):
    """The job id a lifecycle message may carry beside its command
    (`app/services/commands.py`, which validates the rest)."""

    job_id: uuid.UUID | None = None


class RetryPayload(Payload):
    document_id: uuid.UUID
    actor_id: uuid.UUID
    job_id: uuid.UUID | None = None


class ResendPayload(Payload):
    client_file_id: uuid.UUID
    actor_id: uuid.UUID
    which: Literal["failed", "skipped"]
    job_id: uuid.UUID | None = None


class IngestPayload(Payload):
    client_file_id: uuid.UUID
    actor_id: uuid.UUID
    key: str = Field(min_length=1, max_length=300, description="Under incoming/.")
    filename: str = Field(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f/\\]+$")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=255)


class SweepPayload(Payload):
    pass


class ExportPayload(Payload):
    export_id: uuid.UUID


class SchedulePayload(Payload):
    client_file_id: uuid.UUID
    actor_id: uuid.UUID
    action: Literal["deactivate", "reactivate", "detach", "delete"]
    run_at: AwareDatetime
    reprocess_skipped: bool | None = None  # reactivate only
    schedule_id: uuid.UUID | None = None


P = TypeVar("P", bound=BaseModel)


def parse(model: type[P], payload: dict[str, Any]) -> P:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'payload'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise InvalidInput(f"Malformed payload: {problems}") from None
