"""Bulk data for the benchmarks: a practice, its staff member and client files through the
services (a handful of rows), then documents, extractions and blobs by the hundred
thousand with SQLAlchemy Core multi-row inserts, never the ORM one row at a time."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, insert

from app.domain.model import DocumentStatus
from app.persistence.models import Document, Extraction, utcnow
from app.services import admin
from benchmarks._stack import BenchStack

CHUNK = 5000


@dataclass(frozen=True)
class Office:
    practice_id: uuid.UUID
    staff_id: uuid.UUID
    file_ids: list[uuid.UUID]


def office(stack: BenchStack, files: int = 1) -> Office:
    uow = stack.runtime.uow
    practice_id = admin.create_practice(uow(), "Cabinet Bench")
    email = f"bench-{uuid.uuid4().hex[:8]}@practice.test"
    staff_id = admin.create_staff_user(uow(), practice_id, "Claire Bench", email)
    file_ids = [admin.create_client_file(uow(), practice_id, f"Client {n}") for n in range(files)]
    return Office(practice_id, staff_id, file_ids)


def documents(
    stack: BenchStack,
    file_id: uuid.UUID,
    count: int,
    *,
    status: DocumentStatus = DocumentStatus.PENDING,
    blob: bytes | None = None,
    extractions: bool = False,
    content_type: str = "text/plain",
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Insert `count` documents of one file; return their (document id, task id).

    With `blob`, each document gets its own blob file holding those bytes; with
    `extractions`, each gets an extraction row.
    """
    created: list[tuple[uuid.UUID, uuid.UUID]] = []
    for start in range(0, count, CHUNK):
        rows = list(_rows(file_id, start, min(count, start + CHUNK), status, content_type))
        if blob is not None:
            _write_blobs(stack.settings.storage_dir, [row["blob_key"] for row in rows], blob)
        _insert(stack.runtime.db, rows, extractions)
        created.extend((row["id"], row["task_id"]) for row in rows)
    return created


def _rows(
    file_id: uuid.UUID, first: int, last: int, status: DocumentStatus, content_type: str
) -> Iterator[dict[str, object]]:
    # Old enough that nothing looks freshly uploaded, young enough for no sweeper to care.
    created = utcnow() - timedelta(seconds=60)
    for n in range(first, last):
        sha256 = hashlib.sha256(f"{file_id}:{n}".encode()).hexdigest()
        yield {
            "id": uuid.uuid4(),
            "client_file_id": file_id,
            "filename": f"receipt-{n}.txt",
            "content_type": content_type,
            "size_bytes": 100,
            "sha256": sha256,
            "blob_key": f"{file_id}/{sha256}",
            "status": status,
            "task_id": uuid.uuid4(),
            "attempts": 0,
            "created_at": created,
            "updated_at": created,
        }


def _insert(db: Engine, rows: list[dict[str, object]], extractions: bool) -> None:
    with db.begin() as connection:
        connection.execute(insert(Document.__table__), rows)
        if extractions:
            connection.execute(insert(Extraction.__table__), [_extraction(row) for row in rows])


def _extraction(document: dict[str, object]) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "document_id": document["id"],
        "client_file_id": document["client_file_id"],
        "engine": "noop",
        "text": "Total 9.99 EUR",
        "fields": {"total": "9.99"},
        "seconds": 0.0,
        "created_at": document["created_at"],
    }


def _write_blobs(root: Path, keys: list[str], data: bytes) -> None:
    folder = root / keys[0].split("/", 1)[0]
    folder.mkdir(parents=True, exist_ok=True)
    for key in keys:
        (root / key).write_bytes(data)
