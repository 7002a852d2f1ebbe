"""The client, for asyncio: `AsyncDossier(url, token)`, the same calls as `Dossier`."""

from __future__ import annotations

import asyncio
import os
import time
from types import TracebackType
from typing import Any, TypeVar

import httpx

from app.api.consent_schemas import AttachRequestOut, InvitationOut
from app.api.exports import ExportOut
from app.api.schemas import (
    ActionsOut,
    DocumentOut,
    DocumentPageOut,
    FileListOut,
    FileOut,
    JobOut,
    UploadOut,
)
from app.client import calls, core, errors
from app.client.calls import Id
from app.client.core import FileSource, Plan, RetryPolicy

T = TypeVar("T")


class AsyncJob:
    """A lifecycle job started by the client; `await wait()` until it is done."""

    def __init__(self, client: AsyncDossier, job: JobOut) -> None:
        self.client, self.job = client, job
        self.id = job.id

    async def wait(self, timeout: float = 60.0, poll: float = 0.5) -> JobOut:
        """The finished job; ActionRefused (with its reason) if it was refused."""
        deadline = time.monotonic() + timeout
        while self.job.status not in core.FINISHED_JOB:
            if time.monotonic() >= deadline:
                raise errors.WaitTimedOut(f"job {self.id} still {self.job.status}")
            await asyncio.sleep(poll)
            self.job = await self.client.job(self.id)
        return core.finished(self.job)


class AsyncDossier:
    """Dossier's HTTP API. `url` and `token` default to $DOSSIER_URL and $DOSSIER_TOKEN.

    Every call is retried on dropped connections, 429, 502, 503 and 504 (honouring
    `Retry-After`); every POST carries an idempotency key, the same on each retry, so a
    retry never makes a second document or job. Pass `http` to bring your own
    `httpx.AsyncClient` (e.g. with `httpx.ASGITransport(app)`)."""

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        token = token or os.environ.get("DOSSIER_TOKEN", "")
        url = url or os.environ.get("DOSSIER_URL", "http://127.0.0.1:8000")
        self.http = http or httpx.AsyncClient(base_url=url, timeout=timeout)
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.retry_policy = retry or RetryPolicy()

    async def __aenter__(self) -> AsyncDossier:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    # ---- documents ---------------------------------------------------------------------

    async def upload(
        self,
        client_file_id: Id,
        file: FileSource,
        *,
        filename: str | None = None,
        idempotency_key: str | None = None,
    ) -> UploadOut:
        """Upload a path or an open binary file, streamed; the answer names the document."""
        return await self._run(calls.upload(client_file_id, file, filename, idempotency_key))

    async def document(self, document: Any) -> DocumentOut:
        return await self._run(calls.document(core.document_id(document)))

    async def documents(
        self, client_file_id: Id, limit: int = 50, offset: int = 0
    ) -> DocumentPageOut:
        return await self._run(calls.documents(client_file_id, limit, offset))

    async def wait_until_extracted(
        self, document: Any, timeout: float = 120.0, poll: float = 0.5
    ) -> DocumentOut:
        """The document once extracted, with its fields. DocumentNotExtracted if it was
        skipped or failed; WaitTimedOut after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = await self.document(document)
            if found.status in core.TERMINAL_DOCUMENT:
                return core.extracted(found)
            if time.monotonic() >= deadline:
                raise errors.WaitTimedOut(f"document {found.id} still {found.status}")
            await asyncio.sleep(poll)

    async def retry(self, document: Any, *, idempotency_key: str | None = None) -> AsyncJob:
        """Send a failed or skipped document for extraction again."""
        plan = calls.retry(core.document_id(document), idempotency_key)
        return AsyncJob(self, await self._run(plan))

    async def resend(
        self, client_file_id: Id, which: str = "failed", *, idempotency_key: str | None = None
    ) -> AsyncJob:
        """Send all of the file's failed (or "skipped") documents again."""
        return AsyncJob(self, await self._run(calls.resend(client_file_id, which, idempotency_key)))

    # ---- client files and lifecycle -----------------------------------------------------

    async def client_file(self, client_file_id: Id) -> FileOut:
        return await self._run(calls.client_file(client_file_id))

    async def client_files(self, status: str = "active") -> FileListOut:
        return await self._run(calls.client_files(status))

    async def actions(self, client_file_id: Id) -> ActionsOut:
        return await self._run(calls.actions(client_file_id))

    async def job(self, job_id: Id) -> JobOut:
        return await self._run(calls.job(job_id))

    async def deactivate(
        self, client_file_id: Id, *, idempotency_key: str | None = None
    ) -> AsyncJob:
        return await self._lifecycle(client_file_id, "deactivate", None, idempotency_key)

    async def reactivate(
        self,
        client_file_id: Id,
        *,
        reprocess_skipped: bool = False,
        idempotency_key: str | None = None,
    ) -> AsyncJob:
        body = {"reprocess_skipped": reprocess_skipped}
        return await self._lifecycle(client_file_id, "reactivate", body, idempotency_key)

    async def detach(self, client_file_id: Id, *, idempotency_key: str | None = None) -> AsyncJob:
        return await self._lifecycle(client_file_id, "detach", None, idempotency_key)

    async def delete(self, client_file_id: Id, *, idempotency_key: str | None = None) -> AsyncJob:
        return await self._lifecycle(client_file_id, "delete", None, idempotency_key)

    async def subscribe(
        self, client_file_id: Id, *, idempotency_key: str | None = None
    ) -> AsyncJob:
        return await self._lifecycle(client_file_id, "subscribe", None, idempotency_key)

    async def attach(
        self, client_file_id: Id, practice_email: str, *, idempotency_key: str | None = None
    ) -> AttachRequestOut:
        """Ask the practice that gave `practice_email` to take the file (client users)."""
        return await self._run(calls.ask_to_attach(client_file_id, practice_email, idempotency_key))

    async def cancel_attach_request(
        self, request: Any, *, idempotency_key: str | None = None
    ) -> AttachRequestOut:
        """Take back your pending request to attach a file (`withdrawn`)."""
        return await self._run(
            calls.cancel_attach_request(core.object_id(request), idempotency_key)
        )

    async def invite(
        self,
        client_file_id: Id,
        email: str,
        name: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> InvitationOut:
        """Invite a person of the client's business; they get access once they accept."""
        return await self._run(calls.invite(client_file_id, email, name, idempotency_key))

    async def export(self, client_file_id: Id, *, idempotency_key: str | None = None) -> ExportOut:
        """Ask for an export bundle of the file (practice staff); follow it with `exports`."""
        return await self._run(calls.export(client_file_id, idempotency_key))

    async def cancel_deletion(
        self, client_file_id: Id, *, idempotency_key: str | None = None
    ) -> JobOut:
        """Give back a file deleted during its grace period (practice staff)."""
        return await self._run(calls.cancel_deletion(client_file_id, idempotency_key))

    async def _lifecycle(
        self, client_file_id: Id, action: str, body: dict[str, Any] | None, key: str | None
    ) -> AsyncJob:
        return AsyncJob(self, await self._run(calls.lifecycle(client_file_id, action, body, key)))

    # ---- sending ------------------------------------------------------------------------

    async def _run(self, plan: Plan[T]) -> T:
        try:
            return plan.result(await self._send(plan))
        finally:
            if plan.upload is not None:
                plan.upload.close()

    async def _send(self, plan: Plan[Any]) -> httpx.Response:
        for attempt in core.attempts(self.retry_policy):
            last = attempt == self.retry_policy.attempts - 1
            try:
                response = await self.http.request(plan.method, plan.path, **plan.request_options())
            except httpx.TransportError as error:
                if last:
                    raise core.give_up(error) from error
                await asyncio.sleep(self.retry_policy.delay(attempt, None))
                continue
            if last or not core.should_retry(response):
                return response
            await asyncio.sleep(self.retry_policy.delay(attempt, response))
        raise AssertionError("unreachable: the last attempt returns or raises")
