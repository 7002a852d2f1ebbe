"""The Python client against the real app in this process: typed results, streamed
uploads of paths and file objects, waits, job handles, errors, and retries that never
make a second document."""

from __future__ import annotations

import asyncio
import io
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.api.schemas import DocumentOut, UploadOut
from app.bootstrap import Runtime
from app.client import (
    ActionRefused,
    AsyncDossier,
    ConnectionFailed,
    DocumentNotExtracted,
    Dossier,
    IdempotencyKeyReused,
    NotFound,
    RetryPolicy,
    Unauthenticated,
    UnsupportedFileType,
    WaitTimedOut,
)
from app.client import sync as sync_client
from app.web import create_app
from tests.api.client_support import Flaky, Pipeline
from tests.api.conftest import World, document_count, text_bytes
from tests.api.fakes import FakeDispatcher

QUICK = RetryPolicy(attempts=5, base=0.001, cap=0.001)


@pytest.fixture
def pipeline(runtime: Runtime, dispatcher: FakeDispatcher) -> Pipeline:
    return Pipeline(runtime, dispatcher)


@pytest.fixture
def dossier(
    client: TestClient, world: World, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> Dossier:
    # The client's waits run the pipeline instead of sleeping.
    monkeypatch.setattr(sync_client.time, "sleep", pipeline.run)
    return Dossier(token=world.tokens["staff_a"], http=client, retry=QUICK)


def test_upload_this_and_wait_for_its_fields_in_three_lines(
    dossier: Dossier, world: World, tmp_path: Path
) -> None:
    receipt = tmp_path / "receipt.txt"
    receipt.write_bytes(b"Boulangerie Dupont\nTotal 12.50 EUR\n")

    document = dossier.wait_until_extracted(dossier.upload(world.own, receipt), timeout=30)

    assert isinstance(document, DocumentOut)
    assert document.status == "extracted"
    assert document.filename == "receipt.txt"
    assert document.fields is not None


def test_file_objects_are_uploaded_from_where_they_stand(
    dossier: Dossier, world: World, runtime: Runtime
) -> None:
    seekable = io.BytesIO(b"ignored header|" + text_bytes("seekable"))
    seekable.seek(len(b"ignored header|"))
    first = dossier.upload(world.own, seekable, filename="a.txt")

    class Pipe(io.RawIOBase):  # a stream that cannot seek, like a socket or a pipe
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    second = dossier.upload(
        world.own, io.BufferedReader(Pipe(text_bytes("pipe"))), filename="b.txt"
    )

    assert isinstance(first, UploadOut)
    assert (first.status, second.status) == ("pending", "pending")
    assert document_count(runtime, world.own) == 2
    assert dossier.document(first).filename == "a.txt"


def test_errors_are_typed_with_the_api_codes_and_refusal_reasons(
    dossier: Dossier, world: World, client: TestClient
) -> None:
    with pytest.raises(NotFound):
        dossier.document(uuid.uuid4())
    with pytest.raises(UnsupportedFileType) as unsupported:
        dossier.upload(world.own, io.BytesIO(b"\x00\x01binary"), filename="x.bin")
    assert unsupported.value.status == 415
    with pytest.raises(ActionRefused) as refused:
        dossier.delete(world.shared)  # it has a client user
    assert refused.value.reason == "has_client_users"
    dossier.upload(world.own, io.BytesIO(text_bytes("one")), idempotency_key="scan-9")
    with pytest.raises(IdempotencyKeyReused):
        dossier.upload(world.own, io.BytesIO(text_bytes("two")), idempotency_key="scan-9")
    with pytest.raises(Unauthenticated):
        Dossier(token="dos_wrong", http=client, retry=QUICK).client_files()


def test_a_lifecycle_action_returns_a_job_to_wait_for(dossier: Dossier, world: World) -> None:
    job = dossier.deactivate(world.own)
    assert job.job.status == "pending"

    done = job.wait(timeout=10)

    assert done.status == "done"
    assert dossier.client_file(world.own).status == "deactivated"
    skipped = dossier.upload(world.own, io.BytesIO(text_bytes("off season")))
    with pytest.raises(DocumentNotExtracted) as not_extracted:
        dossier.wait_until_extracted(skipped, timeout=10)
    assert not_extracted.value.reason == "client_file_deactivated"
    # and once the file is active again, the skipped document is sent again
    assert dossier.reactivate(world.own).wait(timeout=10).status == "done"
    assert dossier.retry(skipped).wait(timeout=10).status == "done"
    assert dossier.wait_until_extracted(skipped, timeout=10).status == "extracted"


def test_a_refused_job_raises_with_its_reason(dossier: Dossier, world: World) -> None:
    # GIVEN two deactivations accepted before either ran: the second is refused by the worker
    first, second = dossier.deactivate(world.own), dossier.deactivate(world.own)
    assert first.wait(timeout=10).status == "done"
    with pytest.raises(ActionRefused) as refused:
        second.wait(timeout=10)
    assert refused.value.reason is not None


def test_a_wait_that_runs_out_of_time_says_so(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_client.time, "sleep", lambda _: None)
    dossier = Dossier(token=world.tokens["staff_a"], http=client)
    uploaded = dossier.upload(world.own, io.BytesIO(text_bytes("never extracted")))
    with pytest.raises(WaitTimedOut):
        dossier.wait_until_extracted(uploaded, timeout=0)


def flaky_dossier(client: TestClient, world: World, script: list[object]) -> tuple[Dossier, Flaky]:
    transport = Flaky(client._transport, script)
    http = httpx.Client(transport=transport, base_url="http://testserver")
    return Dossier(token=world.tokens["staff_a"], http=http, retry=QUICK), transport


def test_retries_after_lost_answers_and_busy_servers_make_one_document(
    client: TestClient, world: World, runtime: Runtime, tmp_path: Path
) -> None:
    receipt = tmp_path / "scan.txt"
    receipt.write_bytes(text_bytes("retried"))
    # GIVEN a network that drops a request, loses the answer of the next, then a server
    # that is busy twice
    dossier, transport = flaky_dossier(client, world, ["drop", "lost", 503, 502])

    # WHEN the producer uploads once
    uploaded = dossier.upload(world.own, receipt)

    # THEN the client tried five times under one key and got the first answer
    assert len(transport.keys) == 5
    assert len(set(transport.keys)) == 1
    assert transport.keys[0]
    assert (uploaded.status, uploaded.duplicate) == ("pending", False)
    assert document_count(runtime, world.own) == 1


def test_retry_after_is_honoured(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(sync_client.time, "sleep", waits.append)
    dossier, _ = flaky_dossier(client, world, [429])
    dossier.client_files()
    assert waits == [2.0]


def test_a_server_that_never_answers_is_a_connection_failure(
    client: TestClient, world: World
) -> None:
    dossier, transport = flaky_dossier(client, world, ["drop"] * 5)
    with pytest.raises(ConnectionFailed):
        dossier.upload(world.own, io.BytesIO(text_bytes()))
    assert len(transport.keys) == 5


def test_the_async_client_makes_the_same_calls(
    runtime: Runtime, world: World, pipeline: Pipeline
) -> None:
    app = create_app(runtime, broker_check=lambda: None)

    async def story() -> tuple[str, str, str]:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        async with AsyncDossier(token=world.tokens["staff_a"], http=http, retry=QUICK) as dossier:
            uploaded = await dossier.upload(world.own, io.BytesIO(text_bytes("async")))
            pipeline.run()
            document = await dossier.wait_until_extracted(uploaded, timeout=10)
            job = await dossier.deactivate(world.own)
            pipeline.run()
            finished = await job.wait(timeout=10)
            try:
                await dossier.delete(world.shared)
            except ActionRefused as refused:
                return document.status, finished.status, str(refused.reason)
        return document.status, finished.status, "not refused"

    assert asyncio.run(story()) == ("extracted", "done", "has_client_users")
