"""Quick jobs run in the web process (client-side lifecycle actions, retries, resends)
under an idempotency key. The job id is derived from the key, and every such job runs
once per job id (under the file's lock), so the same request sent again, even at the
same moment or after a crash before its answer was recorded, gets the first result."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.persistence.uow import UnitOfWork
from app.services import idempotency
from app.services.idempotency import KeyClaim
from app.services.lifecycle import JobResult

_KEYED_JOBS = uuid.UUID("5d1c6f2e-8a3b-4c1e-9f7d-2b6a0e4d3c21")


@dataclass(frozen=True, slots=True)
class Ran:
    job: JobResult
    replayed: bool = False  # the first answer to an idempotency key, given again


def run(uow: UnitOfWork, claim: KeyClaim | None, work: Callable[[uuid.UUID], JobResult]) -> Ran:
    """`work(job_id)` once per request: its result, remembered under the key."""
    job_id = uuid.uuid4() if claim is None else job_id_for(claim)
    record, replayed = idempotency.once(uow, claim, lambda: _as_record(work(job_id)))
    return Ran(_from_record(record), replayed)


def job_id_for(claim: KeyClaim) -> uuid.UUID:
    return uuid.uuid5(_KEYED_JOBS, f"{claim.owner}\n{claim.key}\n{claim.fingerprint}")


def _as_record(result: JobResult) -> dict[str, Any]:
    ids = {"job_id": str(result.job_id), "client_file_id": str(result.client_file_id)}
    return dataclasses.asdict(result) | ids


def _from_record(record: dict[str, Any]) -> JobResult:
    ids = {
        "job_id": uuid.UUID(record["job_id"]),
        "client_file_id": uuid.UUID(record["client_file_id"]),
    }
    return JobResult(**(record | ids))
