"""The unit of work: one transaction, rolled back unless committed; broker messages and
revokes are buffered and leave only after the commit succeeded."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

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


class UnitOfWork:
    session: Session
    files: ClientFiles
    documents: Documents
    users: Users
    lifecycle: Lifecycle
    requests: LifecycleRequests
    job_pages: JobPages
    document_pages: DocumentPages
    schedules: ScheduledActions
    exports: ExportBundles
    webhooks: WebhookDeliveries
    tokens: ApiTokens
    intake: Intake
    quotas: Quotas
    retries: Retries
    events: Events
    practice_events: PracticeEvents
    stats: Stats

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

    def autocommit(self) -> UnitOfWork:
        """This unit of work, for reads that need no transaction around them (`with
        uow.autocommit():`): on PostgreSQL each statement then commits on its own, which
        spares a BEGIN and a ROLLBACK, two round trips. SQLite keeps its transaction."""
        self._autocommit = True
        return self

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        if self._autocommit and self.session.get_bind().dialect.name == "postgresql":
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        # Practices' own endpoints are looked up only when an event is written.
        announce_events(self.session, self.webhook_urls)
        # After the announcer: the deliveries it adds are stamped by the same clock.
        use_clock(self.session, self.clock)
        self.files = ClientFiles(self.session)
        self.documents = Documents(self.session)
        self.users = Users(self.session)
        self.lifecycle = Lifecycle(self.session)
        # Every repository, on this transaction's session: services reach them only here.
        self.requests = LifecycleRequests(self.session)
        self.job_pages = JobPages(self.session)
        self.document_pages = DocumentPages(self.session)
        self.schedules = ScheduledActions(self.session)
        self.exports = ExportBundles(self.session)
        self.webhooks = WebhookDeliveries(self.session)
        self.tokens = ApiTokens(self.session)
        self.intake = Intake(self.session)
        self.quotas = Quotas(self.session)
        self.retries = Retries(self.session)
        self.events = Events(self.session)
        self.practice_events = PracticeEvents(self.session)
        self.stats = Stats(self.session)
        self._outbox.clear()
        self._revokes.clear()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()
        self.session.close()
        self._autocommit = False

    def enqueue(self, message: TaskMessage) -> None:
        self._outbox.append(message)

    def revoke(self, task_ids: list[uuid.UUID]) -> None:
        self._revokes.extend(task_ids)

    def commit(self) -> None:
        self.session.commit()
        messages, revokes = list(self._outbox), list(self._revokes)
        self._outbox.clear()
        self._revokes.clear()
        self._publish(messages, revokes)

    def rollback(self) -> None:
        self.session.rollback()
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
