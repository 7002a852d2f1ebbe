"""The demo's moves: upload through the service, send lifecycle tasks by their public
names, wait for the worker by watching the database, and check what happened."""

from __future__ import annotations

import io
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar

import redis
from rich.console import Console
from rich.table import Table

from app.api.consent import ACCEPT_PATH, OPEN_PATH
from app.bootstrap import Runtime
from app.demo.api import DemoApi
from app.demo.samples import Sample
from app.demo.tables import counts_text, documents_table
from app.domain.model import Action, Actor, FileStatus
from app.errors import NotFound
from app.persistence.mail import Outbox
from app.persistence.uow import UnitOfWork
from app.services import attach, invitations, lifecycle, queries
from app.services.lifecycle import DONE, REFUSED, JobResult

POLL_SECONDS = 0.1
INVITATION_CODE = re.compile(r"\binv_[A-Za-z0-9_-]+")
T = TypeVar("T")


class DemoFailure(Exception):
    """Something in the story did not happen as it should."""


class Steps:
    """One practice's staff member (`staff`) and its client files (`files`, by name)."""

    staff: uuid.UUID

    def __init__(
        self, runtime: Runtime, celery: Any, hostname: str, console: Console, timeout: float
    ) -> None:
        self.runtime = runtime
        self.celery = celery
        self.hostname = hostname
        self.console = console
        self.timeout = timeout
        self.checks = 0
        self.chapters = 0
        self.files: dict[str, uuid.UUID] = {}
        self.refusals: list[tuple[str, JobResult]] = []
        self.api = DemoApi(runtime)

    # ---- telling ----------------------------------------------------------------------

    def chapter(self, title: str, narration: str) -> None:
        self.chapters += 1
        self.console.print()
        self.console.rule(f"[bold]{self.chapters}. {title}", align="left")
        self.console.print(narration, style="italic")

    def show(self, table: Table) -> None:
        self.console.print(table)

    def expect(self, condition: bool, failure: str) -> None:
        if not condition:
            raise DemoFailure(failure)
        self.checks += 1

    def expect_done(self, job: JobResult, what: str) -> None:
        self.expect(job.status == DONE, f"{what} ended {job.status}: {job.message}")

    def expect_statuses(self, statuses: dict[uuid.UUID, str], status: str, what: str) -> None:
        wrong = sorted({found for found in statuses.values() if found != status})
        self.expect(not wrong, f"{what}: expected every document {status}, found {wrong}")

    def expect_reasons(self, document_ids: list[uuid.UUID], reason: str) -> None:
        with self.uow() as uow:
            found = [uow.documents.get(document_id) for document_id in document_ids]
            reasons = {document.reason if document else "gone" for document in found}
        self.expect(reasons == {reason}, f"documents skipped for {reasons}, not {reason}")

    # ---- acting -----------------------------------------------------------------------

    def expect_read(
        self, document_id: uuid.UUID, engine: str, expected: dict[str, str]
    ) -> queries.DocumentView:
        """An e-invoice read from its XML: these values, its lines, and no warning."""
        view = queries.get_document(self.uow(), self.actor(self.staff), document_id)
        fields = view.fields or {}
        read = {key: fields.get(key) for key in expected}
        self.expect(view.engine == engine, f"{view.filename} was read by {view.engine}")
        self.expect(read == expected, f"{view.filename}: read {read}, not {expected}")
        self.expect(bool(fields.get("lines")), f"{view.filename}: no lines were read")
        self.expect(not fields.get("warnings"), f"{view.filename}: {fields.get('warnings')}")
        return view

    def uow(self) -> UnitOfWork:
        return self.runtime.uow()

    def actor(self, user_id: uuid.UUID) -> Actor:
        with self.uow() as uow:
            actor = uow.users.actor(user_id)
        if actor is None:
            raise DemoFailure(f"user {user_id} vanished")
        return actor

    def upload(self, name: str, user_id: uuid.UUID, sample: Sample) -> uuid.UUID:
        # As producers do: over HTTP with the Python client (retried under one key).
        dossier = self.api.client(user_id)
        uploaded = dossier.upload(
            self.files[name], io.BytesIO(sample.data), filename=sample.filename
        )
        return uploaded.id

    def run_task(self, name: str, file_name: str, actor_id: uuid.UUID, **extra: Any) -> JobResult:
        """Send a lifecycle task exactly as another service would, then wait for its job."""
        job_id = uuid.uuid4()
        payload = {
            "client_file_id": str(self.files[file_name]),
            "actor_id": str(actor_id),
            "job_id": str(job_id),
            **extra,
        }
        self.celery.send_task(name, kwargs=payload)

        def finished() -> JobResult | None:
            with self.uow() as uow:
                job = uow.lifecycle.job(job_id)
                if job is None or job.status not in (DONE, REFUSED):
                    return None
                return lifecycle.job_result(job)

        return self._poll(finished, f"the task {name} (job {job_id}) did not finish")

    def refused(self, task: str, file_name: str, reason: str) -> JobResult:
        """Ask the practice's way for an action the rules forbid: it must be refused."""
        job = self.run_task(task, file_name, self.staff)
        request = f"{task.rsplit('.', 1)[-1]} {file_name}"
        self.expect(job.status == REFUSED, f"{request} was not refused ({job.status})")
        self.expect(job.reason == reason, f"{request} was refused for {job.reason}, not {reason}")
        self.refusals.append((request, job))
        return job

    def invite_and_accept(self, file_name: str, email: str) -> uuid.UUID:
        """Claire invites `email`; the person reads the mail and accepts: their user id."""
        invitations.invite(
            self.uow(),
            client_file_id=self.files[file_name],
            actor_id=self.staff,
            email=email,
            ttl=timedelta(days=7),
            accept_url=self.runtime.settings.public_url.rstrip("/") + ACCEPT_PATH,
            open_url=self.runtime.settings.public_url.rstrip("/") + OPEN_PATH,
        )
        return invitations.accept(self.uow(), self.invitation_code(email)).user_id

    def invitation_code(self, email: str) -> str:
        """The code in the latest invitation mail to `email`, read from the outbox."""
        with self.uow() as uow:
            letters = [m for m in Outbox(uow.session).latest(20, email) if m.kind == "invitation"]
            found = INVITATION_CODE.search(letters[0].body) if letters else None
        if found is None:
            raise DemoFailure(f"no invitation reached {email}")
        return found.group(0)

    def attach_by_request(self, file_name: str, asker: uuid.UUID, staff: uuid.UUID) -> JobResult:
        """The client asks the practice of `staff` by that person's address; they accept."""
        with self.uow() as uow:
            person = uow.users.get(staff)
            address = person.email if person else ""
        asked = attach.ask(
            self.uow(), client_file_id=self.files[file_name], actor_id=asker, practice_email=address
        )
        answer = attach.decide(self.uow(), request_id=asked.id, actor_id=staff, accept=True)
        with self.uow() as uow:
            job = uow.lifecycle.job(answer.job_id) if answer.job_id else None
            if job is None:
                raise DemoFailure(f"the attach of {file_name} left no job")
            return lifecycle.job_result(job)

    def change(
        self, action: Action, file_name: str, actor_id: uuid.UUID, **params: Any
    ) -> JobResult:
        """A lifecycle change with no task of its own (subscribe)."""
        return lifecycle.change(
            self.uow(),
            job_id=uuid.uuid4(),
            client_file_id=self.files[file_name],
            actor_id=actor_id,
            action=action,
            params=params,
        )

    @contextmanager
    def paused(self, queue: str) -> Iterator[None]:
        """Hold the worker off one queue, so its messages wait in Redis as they would
        behind a long backlog (kombu puts back what arrives for a cancelled queue)."""
        control = self.celery.control
        replies = control.cancel_consumer(queue, destination=[self.hostname], reply=True)
        self.expect(bool(replies), f"the worker did not stop consuming {queue}")
        try:
            yield
        finally:
            control.add_consumer(queue, destination=[self.hostname], reply=True)

    def lose_messages(self, queue: str) -> int:
        """Empty one paused queue in Redis, as a restart without persistence would; return
        how many messages were lost.

        Waits for the messages to be back in the list first: a read that was already
        waiting when the queue was paused may have taken one, and kombu puts it back."""
        client = redis.Redis.from_url(self.celery.conf.broker_url)
        try:
            self._poll(lambda: client.llen(queue) or None, f"no message reached {queue}")
            with client.pipeline(transaction=True) as pipe:
                pipe.llen(queue)
                pipe.delete(queue)
                waiting, _ = pipe.execute()
        finally:
            client.close()
        return int(waiting)

    # ---- waiting ----------------------------------------------------------------------

    def settle(self, document_ids: Iterable[uuid.UUID], what: str) -> dict[uuid.UUID, str]:
        """Wait until every document has reached a terminal state; return their statuses."""
        ids = list(document_ids)
        seen: dict[uuid.UUID, str] = {}

        def statuses() -> dict[uuid.UUID, str] | None:
            with self.uow() as uow:
                found = {i: uow.documents.get(i) for i in ids}
                seen.update({i: str(d.status) if d else "gone" for i, d in found.items()})
                finished = all(d is None or d.status.is_terminal for d in found.values())
            return dict(seen) if finished else None

        try:
            return self._poll(statuses, f"{what}: the worker did not finish the documents")
        except DemoFailure as failure:
            tally = Counter(seen.values())
            raise DemoFailure(f"{failure} ({counts_text(dict(tally))})") from None

    def _poll(self, probe: Callable[[], T | None], failure: str) -> T:
        deadline = time.monotonic() + self.timeout
        while True:
            result = probe()
            if result is not None:
                return result
            if time.monotonic() > deadline:
                raise DemoFailure(f"{failure} within {self.timeout:.0f} s")
            time.sleep(POLL_SECONDS)

    # ---- looking ----------------------------------------------------------------------

    def my_clients(self, status: FileStatus = FileStatus.ACTIVE) -> list[queries.FileView]:
        return queries.list_files(self.uow(), self.actor(self.staff), status)

    def staff_view(self, file_name: str) -> queries.FileView:
        return queries.get_file(self.uow(), self.actor(self.staff), self.files[file_name])

    def staff_opens_nothing(self, file_name: str) -> str:
        """What the practice gets when it opens the file, which must be 'not found'."""
        try:
            self.staff_view(file_name)
        except NotFound as error:
            self.checks += 1
            return f"{error.code}: {error.message}"
        raise DemoFailure(f"the practice can still open {file_name}")

    def user_id(self, email: str) -> uuid.UUID:
        with self.uow() as uow:
            user = uow.users.by_email(email)
            if user is None:
                raise DemoFailure(f"{email} was not invited")
            return user.id

    def in_file(self, file_name: str) -> list[uuid.UUID]:
        with self.uow() as uow:
            return [document.id for document in uow.documents.in_file(self.files[file_name])]

    def documents(
        self, title: str, rows: list[tuple[str, uuid.UUID]], actor_id: uuid.UUID | None = None
    ) -> Table:
        """Rows of (client file name, document id), as `actor_id` (staff by default) sees them."""
        actor = self.actor(actor_id or self.staff)
        views = [
            (name, queries.get_document(self.uow(), actor, document_id), self.summary(document_id))
            for name, document_id in rows
        ]
        return documents_table(title, views)

    def summary(self, document_id: uuid.UUID) -> str:
        """The first line of the text read, and its total line when there is one."""
        with self.uow() as uow:
            extraction = uow.documents.extraction_of(document_id)
            text = extraction.text if extraction else ""
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        totals = [line for line in lines if "total" in line.lower()]
        return " | ".join(lines[:1] + totals[-1:])

    def footprint(self, file_name: str) -> tuple[int, int, int]:
        """(file rows, document rows, blobs) the file still has."""
        client_file_id = self.files[file_name]
        with self.uow() as uow:
            file_rows = int(uow.files.get(client_file_id) is not None)
            document_rows = len(uow.documents.in_file(client_file_id))
        return file_rows, document_rows, self.runtime.blobs.count_prefix(str(client_file_id))
