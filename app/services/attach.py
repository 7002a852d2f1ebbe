"""A client asks a practice to take its detached file; that practice's staff accept or
decline. The client names the practice by an address the practice gave it (one of its
staff), never by id, and learns nothing from the answer about whether the address is a
practice's. The practice sees the file's name and the asker's address, nothing else of
the file, until it accepts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain import consent, notices, rules, text
from app.domain.consent import RequestStatus
from app.domain.model import Action, Actor, Role
from app.errors import InvalidInput, NotFound
from app.persistence.consent import AttachRequestRow, AttachRequests
from app.persistence.models import ClientFile, User
from app.persistence.uow import UnitOfWork
from app.services import idempotency, lifecycle, mail
from app.services.access import visible_file
from app.services.idempotency import Answered, KeyClaim

ASKED, DECLINED, CANCELLED = "request_attach", "decline_attach", "cancel_attach"


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request as its client sees it: never which practice, if any, it reached."""

    id: uuid.UUID
    client_file_id: uuid.UUID
    status: str
    created_at: datetime
    decided_at: datetime | None = None
    job_id: uuid.UUID | None = None
    requested_by: uuid.UUID | None = None  # the client user who asked


@dataclass(frozen=True, slots=True)
class IncomingView:
    """A request as the practice asked sees it before answering."""

    id: uuid.UUID
    client_file_id: uuid.UUID
    client_file_name: str
    requested_by: str  # the asker's e-mail address
    created_at: datetime


def ask(
    uow: UnitOfWork, *, client_file_id: uuid.UUID, actor_id: uuid.UUID, practice_email: str
) -> RequestView:
    return ask_once(uow, None, client_file_id, actor_id, practice_email).value


def ask_once(
    uow: UnitOfWork,
    claim: KeyClaim | None,
    client_file_id: uuid.UUID,
    actor_id: uuid.UUID,
    practice_email: str,
) -> Answered[RequestView]:
    """`ask`, once per idempotency key: sent again, one request and one mail."""
    address = _address(practice_email)
    return idempotency.answered(
        uow, claim, RequestView, lambda: _ask(uow, client_file_id, actor_id, address)
    )


def _ask(
    uow: UnitOfWork, client_file_id: uuid.UUID, actor_id: uuid.UUID, address: str
) -> RequestView:
    client_file, state, actor = lifecycle.authorise(uow, client_file_id, actor_id, Action.ATTACH)
    staff = uow.users.by_email(address)
    target = staff.practice_id if staff is not None and staff.role is Role.STAFF else None
    row = AttachRequests(uow.session).add(
        AttachRequestRow(
            id=uuid.uuid4(),
            client_file_id=client_file.id,
            practice_id=target,
            requested_by=actor.user_id,
            status=RequestStatus.PENDING.value,
            created_at=uow.clock(),
        )
    )
    if staff is not None and target is not None:
        asker = uow.users.get(actor.user_id)
        letter = notices.attach_request(client_file.name, asker.email if asker else "A client")
        mail.queue(uow, ASKED, staff.email, letter)
    params = {"attach_request_id": str(row.id)}
    lifecycle.record(uow, uuid.uuid4(), client_file, state, actor.user_id, ASKED, params, {})
    return _view(row)


def decide(
    uow: UnitOfWork, *, request_id: uuid.UUID, actor_id: uuid.UUID, accept: bool
) -> RequestView:
    """The practice's answer. Accepting attaches the file under its lock, if it is still
    detached, and closes the file's other pending requests."""
    return decide_once(uow, None, request_id, actor_id, accept=accept).value


def decide_once(
    uow: UnitOfWork,
    claim: KeyClaim | None,
    request_id: uuid.UUID,
    actor_id: uuid.UUID,
    *,
    accept: bool,
) -> Answered[RequestView]:
    """`decide`, once per idempotency key: sent again, the first answer, not a refusal of
    a request already answered."""
    return idempotency.answered(
        uow, claim, RequestView, lambda: _decide(uow, request_id, actor_id, accept)
    )


def _decide(
    uow: UnitOfWork, request_id: uuid.UUID, actor_id: uuid.UUID, accept: bool
) -> RequestView:
    actor = uow.users.actor(actor_id)
    requests = AttachRequests(uow.session)
    found = requests.get(request_id)
    if actor is None or found is None or not _addressed_to(found, actor):
        raise NotFound("No such attach request.", attach_request_id=request_id)
    client_file, found = _locked(uow, found, request_id)
    state = uow.files.state(client_file)
    refusal = consent.decide_refusal(RequestStatus(found.status), found.practice_id, state, actor)
    lifecycle.refuse(refusal, client_file.id)
    found.decided_at, found.decided_by, found.job_id = uow.clock(), actor.user_id, uuid.uuid4()
    params = {"attach_request_id": str(found.id)}
    if accept:
        _attach(uow, client_file, found)
    found.status = (RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED).value
    action = str(Action.ATTACH) if accept else DECLINED
    lifecycle.record(uow, found.job_id, client_file, state, actor.user_id, action, params, {})
    _tell_asker(uow, client_file, found, accepted=accept)
    return _view(found)


def cancel(
    uow: UnitOfWork, claim: KeyClaim | None, request_id: uuid.UUID, actor_id: uuid.UUID
) -> Answered[RequestView]:
    """The client who asked takes the request back while it is pending: the practice no
    longer sees it, and cannot accept it any more."""
    return idempotency.answered(uow, claim, RequestView, lambda: _cancel(uow, request_id, actor_id))


def _cancel(uow: UnitOfWork, request_id: uuid.UUID, actor_id: uuid.UUID) -> RequestView:
    actor = uow.users.actor(actor_id)
    found = AttachRequests(uow.session).get(request_id)
    # Staff, even of the practice asked, and other clients do not see it as theirs.
    if actor is None or found is None or found.client_file_id not in actor.client_file_ids:
        raise NotFound("No such attach request.", attach_request_id=request_id)
    client_file, found = _locked(uow, found, request_id)
    state = uow.files.state(client_file)
    refusal = consent.cancel_refusal(RequestStatus(found.status), found.requested_by, state, actor)
    lifecycle.refuse(refusal, client_file.id)
    found.decided_at, found.decided_by, found.job_id = uow.clock(), actor.user_id, uuid.uuid4()
    found.status = RequestStatus.WITHDRAWN.value
    params = {"attach_request_id": str(found.id)}
    lifecycle.record(uow, found.job_id, client_file, state, actor.user_id, CANCELLED, params, {})
    return _view(found)


def _locked(
    uow: UnitOfWork, found: AttachRequestRow, request_id: uuid.UUID
) -> tuple[ClientFile, AttachRequestRow]:
    """The file's lock first, as every change takes it; then the request as it is now
    (an answer or a cancel of it may just have committed)."""
    client_file = uow.files.lock(found.client_file_id)
    uow.session.refresh(found, with_for_update=True)
    if client_file is None:
        raise NotFound("No such attach request.", attach_request_id=request_id)
    return client_file, found


def for_file(uow: UnitOfWork, actor: Actor, client_file_id: uuid.UUID) -> list[RequestView]:
    with uow:
        visible_file(uow, actor, client_file_id)
        return [_view(row) for row in AttachRequests(uow.session).for_file(client_file_id)]


def incoming(uow: UnitOfWork, actor: Actor) -> list[IncomingView]:
    """The pending requests addressed to the actor's practice (none for a client user)."""
    if not actor.is_staff or actor.practice_id is None:
        return []
    with uow:
        rows = AttachRequests(uow.session).pending_for_practice(actor.practice_id)
        return [
            IncomingView(row.id, row.client_file_id, name, email, row.created_at)
            for row, name, email in rows
        ]


def _attach(uow: UnitOfWork, client_file: ClientFile, request: AttachRequestRow) -> None:
    state = uow.files.state(client_file)
    joined = rules.apply(Action.ATTACH, state, practice_id=request.practice_id)
    client_file.practice_id, client_file.billing = joined.practice_id, joined.billing
    client_file.updated_at = uow.clock()
    AttachRequests(uow.session).withdraw_others(client_file.id, keep=request.id)


def _tell_asker(
    uow: UnitOfWork, client_file: ClientFile, request: AttachRequestRow, *, accepted: bool
) -> None:
    asker: User | None = uow.users.get(request.requested_by)
    practice = uow.users.practice(request.practice_id) if request.practice_id else None
    if asker is not None and practice is not None:
        letter = notices.answer(client_file.name, practice.name, accepted=accepted)
        mail.queue(uow, "attach_answer", asker.email, letter)


def _addressed_to(request: AttachRequestRow, actor: Actor) -> bool:
    return (
        actor.is_staff
        and request.practice_id is not None
        and request.practice_id == actor.practice_id
    )


def _address(email: str) -> str:
    try:
        return text.checked_email(email)
    except text.TextError as problem:
        raise InvalidInput(str(problem)) from None


def _view(row: AttachRequestRow) -> RequestView:
    return RequestView(
        row.id,
        row.client_file_id,
        row.status,
        row.created_at,
        row.decided_at,
        row.job_id,
        row.requested_by,
    )
