"""A steady stream of uploads into one client file, through the upload service as a
producer calls it, and the upload-to-gate latency of each (from the document's creation
to the gate's decision, both stamped by Dossier in the database)."""

from __future__ import annotations

import threading
import time
import uuid

import sqlalchemy as sa

from app.domain.model import DocumentStatus
from app.persistence.models import Document
from app.services import documents
from benchmarks._stack import BenchStack, wait_until


class UploadStream:
    def __init__(
        self, stack: BenchStack, client_file_id: uuid.UUID, staff_id: uuid.UUID, rate: float
    ):
        self.stack, self.client_file_id, self.rate = stack, client_file_id, rate
        with stack.runtime.uow() as uow:
            actor = uow.users.actor(staff_id)
        assert actor is not None
        self.actor = actor
        self.ids: list[uuid.UUID] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> UploadStream:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        interval, next_at = 1.0 / self.rate, time.monotonic()
        while not self._stop.is_set():
            data = f"Receipt {uuid.uuid4()}\nTotal 9.99 EUR\n".encode()
            result = documents.upload(
                self.stack.runtime.uow(),
                self.stack.runtime.blobs,
                self.stack.settings,
                client_file_id=self.client_file_id,
                actor=self.actor,
                filename="receipt.txt",
                data=data,
            )
            self.ids.append(result.document_id)
            next_at += interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def latencies(self) -> list[float]:
        """Seconds from upload to gate decision, once every streamed document is decided."""
        ids = list(self.ids)
        query = sa.select(Document.created_at, Document.updated_at).where(
            Document.id.in_(ids), Document.status != DocumentStatus.PENDING
        )

        def rows() -> list[sa.Row[tuple[object, object]]]:
            with self.stack.runtime.sessions() as session:
                return list(session.execute(query).all())

        wait_until(lambda: len(rows()) == len(ids), f"{len(ids)} uploads to pass the gate", 300)
        return [(decided - created).total_seconds() for created, decided in rows()]  # type: ignore[operator]
