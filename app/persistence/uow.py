"""The unit of work: one transaction, rolled back unless committed; broker messages and
revokes are buffered and leave only after the commit succeeded."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, TypeVar, cast, overload

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.domain.model import LifecyclePolicy
from app.persistence.audit import Events, PracticeEvents
from app.persistence.auth import ApiTokens, LifecycleRequests
from app.persistence.clock import use_clock
from app.persistence.documents import Documents
from app.persistence.exports import ExportBundles
from app.persistence.intake import Intake
from app.persistence.jobs import JobPages
from app.persistence.models import utcnow
from app.persistence.outbox import Dispatcher, TaskMessage
from app.persistence.pages import DocumentPages
from app.persistence.quotas import Quotas
from app.persistence.repositories import ClientFiles, Lifecycle, Users
from app.persistence.retries import Retries
from app.persistence.schedules import ScheduledActions
from app.persistence.stats import Stats
from app.persistence.webhooks import WebhookDeliveries, announce_events

log = logging.getLogger(__name__)


R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the unit of work, made on first use in each transaction: most
    units of work use two or three of them."""

    def __init__(self, make: Callable[[Session], R]) -> None:
        self.make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...

    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: UnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        made: dict[str, Any] = uow._repositories
        found = made.get(self.name)
        if found is None:
            found = made[self.name] = self.make(uow.session)
        return cast(R, found)


class UnitOfWork:
    # Every repository, on this transaction's session: services reach them only here.
    files = _Repository(ClientFiles)
    documents = _Repository(Documents)
    users = _Repository(Users)
    lifecycle = _Repository(Lifecycle)
    requests = _Repository(LifecycleRequests)
    job_pages = _Repository(JobPages)
    document_pages = _Repository(DocumentPages)
    schedules = _Repository(ScheduledActions)
    exports = _Repository(ExportBundles)
    webhooks = _Repository(WebhookDeliveries)
    tokens = _Repository(ApiTokens)
    quotas = _Repository(Quotas)
    retries = _Repository(Retries)
    events = _Repository(Events)
    practice_events = _Repository(PracticeEvents)
    stats = _Repository(Stats)
    # The upload path's statements, without the ORM (on its own connection in autocommit).
    intake: Intake

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        dispatcher: Dispatcher,
        *,
        policy: LifecyclePolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        webhook_urls: tuple[str, ...] = (),
    ) -> None:
        self._session_factory = session_factory
        self._dispatcher = dispatcher
        # The timing rules and the clock the services judge them by (tests pass their own).
        self.policy = policy or LifecyclePolicy()
        self.clock = clock
        self.webhook_urls = webhook_urls
        self._outbox: list[TaskMessage] = []
        self._revokes: list[uuid.UUID] = []
        self.revoked = 0
        self._autocommit = False
        self._session: Session | None = None
        self._connection: Connection | None = None
        self._repositories: dict[str, Any] = {}

    def autocommit(self) -> UnitOfWork:
        """This unit of work, for reads that need no transaction around them (`with
        uow.autocommit():`): on PostgreSQL each statement then commits on its own, which
        spares a BEGIN and a ROLLBACK, two round trips, and the statements of `intake` run
        on a connection of the pool without a session (one is opened on that connection
        only if a repository is used). SQLite keeps its transaction."""
        self._autocommit = True
        return self

    @property
    def session(self) -> Session:
        """The transaction's session (in autocommit, opened on first use)."""
        if self._session is None:
            if self._connection is None:
                raise RuntimeError("the unit of work is not entered")
            self._session = self._open_session(self._connection)
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._repositories.clear()
        self._outbox.clear()
        self._revokes.clear()
        bind = self._session_factory.kw.get("bind")
        if self._autocommit and bind is not None and bind.dialect.name == "postgresql":
            connection = bind.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
            self.intake = Intake(lambda: connection)
        else:
            session = self._session = self._open_session(None)
            self.intake = Intake(session.connection)
        return self

    def _open_session(self, connection: Connection | None) -> Session:
        session = (
            self._session_factory()
            if connection is None
            else self._session_factory(bind=connection)
        )
        # Practices' own endpoints are looked up only when an event is written.
        announce_events(session, self.webhook_urls)
        # After the announcer: the deliveries it adds are stamped by the same clock.
        use_clock(session, self.clock)
        return session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
            if self._session is not None:
                self._session.close()
        finally:
            if self._connection is not None:
                self._connection.close()
            self._session = self._connection = None
            self._repositories.clear()
            self._autocommit = False

    def enqueue(self, message: TaskMessage) -> None:
        self._outbox.append(message)

    def revoke(self, task_ids: list[uuid.UUID]) -> None:
        self._revokes.extend(task_ids)

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()
        messages, revokes = list(self._outbox), list(self._revokes)
        self._outbox.clear()
        self._revokes.clear()
        self._publish(messages, revokes)

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
        self._outbox.clear()
        self._revokes.clear()

    def _publish(self, messages: list[TaskMessage], revokes: list[uuid.UUID]) -> None:
        # The rows are committed: a message that fails to leave now is found again by the
        # sweeper, so a broker outage delays work but never loses a document.
        if revokes:
            try:
                self.revoked += self._dispatcher.revoke(revokes)
            except Exception:
                log.warning("could not revoke %d task(s); the gate re-checks", len(revokes))
        if messages:
            try:
                self._dispatcher.send(messages)
            except Exception:
                log.exception("could not send %d message(s); the sweeper resends", len(messages))
