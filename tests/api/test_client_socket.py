"""The client over a real socket: uvicorn on 127.0.0.1 at a free port, serving the real
app behind a script that loses answers (the connection drops in the middle of one, after
the upload was stored) and answers 429 and 503."""

from __future__ import annotations

import asyncio
import io

from app.bootstrap import Runtime
from app.client import AsyncDossier, Dossier, RetryPolicy
from app.web import create_app
from tests.api.client_support import Chaos, served
from tests.api.conftest import World, document_count, text_bytes
from tests.api.fakes import FakeDispatcher

QUICK = RetryPolicy(attempts=5, base=0.01, cap=0.05)


def test_a_dropped_answer_429_and_503_still_make_one_document(
    runtime: Runtime, world: World, dispatcher: FakeDispatcher
) -> None:
    chaos = Chaos(create_app(runtime, broker_check=lambda: None), ["lost", 429, 503])
    with served(chaos) as url, Dossier(url, world.tokens["staff_a"], retry=QUICK) as dossier:
        uploaded = dossier.upload(world.own, io.BytesIO(text_bytes("over the wire")))
        job = dossier.deactivate(world.own)

    assert len(chaos.keys) == 5  # four tries of the upload, one deactivation
    assert len(set(chaos.keys[:4])) == 1
    assert uploaded.duplicate is False  # the first answer, not "already there"
    assert document_count(runtime, world.own) == 1
    assert dispatcher.names().count("dossier.documents.gate") == 1
    assert job.job.status == "pending"


def test_the_async_client_over_a_socket_retries_the_same_way(
    runtime: Runtime, world: World
) -> None:
    chaos = Chaos(create_app(runtime, broker_check=lambda: None), [503, "lost"])

    async def upload(url: str) -> bool:
        async with AsyncDossier(url, world.tokens["staff_a"], retry=QUICK) as dossier:
            uploaded = await dossier.upload(world.own, io.BytesIO(text_bytes("async wire")))
            return uploaded.duplicate

    with served(chaos) as url:
        duplicate = asyncio.run(upload(url))

    assert duplicate is False
    assert len(chaos.keys) == 3
    assert len(set(chaos.keys)) == 1
    assert document_count(runtime, world.own) == 1
