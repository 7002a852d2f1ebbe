"""Scheduled lifecycle actions: ask now for a change to run later (deactivate at year-end,
reactivate before the next period), list them, cancel them. `due_actions` runs them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain import instants, rules
from app.domain.model import Action, Actor, FileState
from app.errors import ActionRefused, InvalidInput, NotFound
from app.persistence.models import ClientFile
from app.persistence.schedules import (
    CANCELLED,
    SCHEDULED,
    ScheduledAction,
)
from app.persistence.uow import UnitOfWork
from app.services import commands, idempotency
from app.services.access import made_by_ours, practice_filter, visible_file
from app.services.idempotency import Answered, KeyClaim

SCHEDULABLE = commands.WORKER_ACTIONS
# Refusals no later change of the file can lift: refused when scheduling. Any other rule
# (e.g. "not deactivated" for a reactivation) is judged when the action comes due.
FINAL_REASONS = frozenset({"file_being_deleted", "practice_staff_only"})


@dataclass(frozen=True, slots=True)
class ScheduleView:
    id: uuid.UUID
    client_file_id: uuid.UUID
    action: str
    params: dict[str, Any]
    run_at: datetime
    status: str
    reason: str | None
    message: str | None
    job_id: uuid.UUID
    attempts: int
    actor_id: uuid.UUID
    created_at: datetime
    finished_at: datetime | None


def view(schedule: ScheduledAction) -> ScheduleView:
    return ScheduleView(
        id=schedule.id,
        client_file_id=schedule.client_file_id,
        action=schedule.action,
        params=dict(schedule.params),
        run_at=schedule.run_at,
        status=schedule.status,
        reason=schedule.reason,
        message=schedule.message,
        job_id=schedule.job_id,
        attempts=schedule.attempts,
        actor_id=schedule.actor_id,
        created_at=schedule.created_at,
        finished_at=schedule.finished_at,
    )


def schedule(
    uow: UnitOfWork,
    *,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    action: Action,
    run_at: datetime,
    params: dict[str, Any] | None = None,
    schedule_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> ScheduleView:
    """Record `action` to run at `run_at` as `actor_id`. With a `schedule_id`, asking twice
    records it once (a task delivered twice)."""
    params = _checked_params(action, params or {})
    with uow:
        repository = uow.schedules
        if schedule_id is not None and (existing := repository.get(schedule_id)) is not None:
            return _already_recorded(existing, client_file_id, action)
        run_at = _check_time(run_at, now or uow.clock())
        actor, client_file = _actor_and_file(uow, actor_id, client_file_id)
        _check_final_rules(action, uow.files.state(client_file), actor, client_file_id)
        # Two deliveries of one message at the same moment both pass the look-up above:
        # the schedule id's key decides which one records it.
        record, created = repository.add_unless_present(
            ScheduledAction(
                id=schedule_id or uuid.uuid4(),
                client_file_id=client_file_id,
                action=str(action),
                actor_id=actor_id,
                params=params,
                run_at=run_at,
                status=SCHEDULED,
                job_id=uuid.uuid4(),
                attempts=0,
                created_at=now or uow.clock(),
            )
        )
        if not created:
            return _already_recorded(record, client_file_id, action)
        uow.commit()
        return view(record)


def _already_recorded(
    existing: ScheduledAction, client_file_id: uuid.UUID, action: Action
) -> ScheduleView:
    if existing.client_file_id != client_file_id or existing.action != str(action):
        raise InvalidInput("This schedule id is already used.", schedule_id=existing.id)
    return view(existing)


def list_for_file(
    uow: UnitOfWork, *, actor: Actor, client_file_id: uuid.UUID
) -> list[ScheduleView]:
    """Every schedule of the file, soonest first, finished ones included (their outcome)."""
    with uow:
        visible_file(uow, actor, client_file_id)
        found = uow.schedules.for_file(client_file_id, practice_id=practice_filter(actor))
        return [view(s) for s in found]


def cancel(
    uow: UnitOfWork,
    *,
    actor: Actor,
    client_file_id: uuid.UUID,
    schedule_id: uuid.UUID,
    now: datetime | None = None,
) -> ScheduleView:
    """Cancel a schedule that has not run yet. Cancelling twice is the same as once; one
    already running or finished is refused with the reason."""
    return cancel_once(uow, None, actor, client_file_id, schedule_id, now=now).value


def cancel_once(
    uow: UnitOfWork,
    claim: KeyClaim | None,
    actor: Actor,
    client_file_id: uuid.UUID,
    schedule_id: uuid.UUID,
    *,
    now: datetime | None = None,
) -> Answered[ScheduleView]:
    return idempotency.answered(
        uow, claim, ScheduleView, lambda: _cancel(uow, actor, client_file_id, schedule_id, now)
    )


def _cancel(
    uow: UnitOfWork,
    actor: Actor,
    client_file_id: uuid.UUID,
    schedule_id: uuid.UUID,
    now: datetime | None,
) -> ScheduleView:
    visible_file(uow, actor, client_file_id)
    # Waits for a runner that holds the row, then sees what it did.
    record = uow.schedules.get(schedule_id, lock=True)
    if (
        record is None
        or record.client_file_id != client_file_id
        or not made_by_ours(uow, actor, record.actor_id)
    ):
        raise NotFound("No such scheduled action.", schedule_id=schedule_id)
    if not actor.is_staff:
        raise ActionRefused(
            "Only staff of the practice can cancel a scheduled action.",
            reason="practice_staff_only",
            schedule_id=schedule_id,
        )
    if record.status == CANCELLED:
        return view(record)
    if record.status != SCHEDULED:
        raise ActionRefused(
            f"This scheduled {record.action} has already "
            f"{'started' if record.status == 'running' else 'run'} "
            f"({record.status}); it can no longer be cancelled.",
            reason="schedule_not_pending",
            schedule_id=schedule_id,
        )
    record.status, record.cancelled_by = CANCELLED, actor.user_id
    record.finished_at = now or uow.clock()
    return view(record)


def _checked_params(action: Action, params: dict[str, Any]) -> dict[str, Any]:
    if action not in SCHEDULABLE:
        names = ", ".join(str(a) for a in SCHEDULABLE)
        raise InvalidInput(f"Only these actions can be scheduled: {names}.", action=action)
    unknown = set(params) - commands.options(action)
    if unknown:
        raise InvalidInput(f"A {action} takes no option {', '.join(sorted(unknown))}.")
    if "reprocess_skipped" in params and not isinstance(params["reprocess_skipped"], bool):
        raise InvalidInput("reprocess_skipped is true or false.")
    return dict(params)


def _check_time(run_at: datetime, now: datetime) -> datetime:
    try:
        run_at = instants.to_utc(run_at)
    except instants.InstantError as problem:
        raise InvalidInput(str(problem)) from None
    if run_at <= now:
        raise InvalidInput("Choose a time in the future.", run_at=run_at.isoformat())
    return run_at


def _actor_and_file(
    uow: UnitOfWork, actor_id: uuid.UUID, client_file_id: uuid.UUID
) -> tuple[Actor, ClientFile]:
    actor = uow.users.actor(actor_id)
    if actor is None:
        raise NotFound("No such user.", user_id=actor_id)
    return actor, visible_file(uow, actor, client_file_id)


def _check_final_rules(
    action: Action, state: FileState, actor: Actor, client_file_id: uuid.UUID
) -> None:
    refusal = rules.refusal(action, state, actor)
    if refusal is not None and refusal.reason in FINAL_REASONS:
        raise ActionRefused(refusal.message, reason=refusal.reason, client_file_id=client_file_id)
