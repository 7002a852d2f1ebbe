"""The export zip itself: the originals, the extracted data as CSV and JSON, and a manifest
with the SHA-256 of every other member, so a practice can check what it received."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MANIFEST = "manifest.json"
FIXED_COLUMNS = ("document_id", "filename", "content_type", "status", "reason", "engine")


@dataclass(frozen=True, slots=True)
class Entry:
    """One document as the bundle shows it, read from the database beforehand."""

    document_id: uuid.UUID
    filename: str
    content_type: str
    status: str
    reason: str | None
    blob_key: str
    sha256: str
    engine: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def member_name(entry: Entry) -> str:
    # The document id keeps names unique; the original name, made safe, keeps them readable.
    safe = re.sub(r"[^\w.\- ]+", "_", entry.filename.rsplit("/", 1)[-1]).strip(" .") or "document"
    return f"documents/{entry.document_id}-{safe[:120]}"


class BundleWriter:
    """Writes members into a zip in memory, remembering each one's checksum."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", compression=zipfile.ZIP_DEFLATED)
        self.checksums: dict[str, dict[str, Any]] = {}

    def add(self, name: str, data: bytes) -> None:
        self._zip.writestr(name, data)
        self.checksums[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}

    def close(self, manifest: dict[str, Any]) -> bytes:
        body = {**manifest, "files": self.checksums}
        self._zip.writestr(MANIFEST, json.dumps(body, indent=2, sort_keys=True))
        self._zip.close()
        return self._buffer.getvalue()


def write_documents(
    writer: BundleWriter,
    entries: Iterable[Entry],
    read: Callable[[str], bytes | None],
    progress: Callable[[int], None],
) -> list[dict[str, Any]]:
    """Add each original; say in the listing which blob was missing instead of failing."""
    listing = []
    for done, entry in enumerate(entries, start=1):
        data = read(entry.blob_key)
        name = member_name(entry) if data is not None else None
        if data is not None and name is not None:
            writer.add(name, data)
        listing.append(
            {
                "document_id": str(entry.document_id),
                "filename": entry.filename,
                "member": name,
                "sha256": entry.sha256,
                "missing": data is None,
            }
        )
        progress(done)
    return listing


def write_extracted_data(writer: BundleWriter, entries: list[Entry]) -> None:
    rows = [_row(entry) for entry in entries]
    writer.add("extracted/documents.json", json.dumps(rows, indent=2, sort_keys=True).encode())
    field_names = sorted({name for entry in entries for name in entry.fields})
    text = io.StringIO()
    table = csv.DictWriter(text, fieldnames=[*FIXED_COLUMNS, *field_names])
    table.writeheader()
    for entry in entries:
        flat = {name: _cell(value) for name, value in entry.fields.items()}
        table.writerow({**{k: _cell(v) for k, v in _row(entry).items() if k != "fields"}, **flat})
    writer.add("extracted/documents.csv", text.getvalue().encode("utf-8"))


def _row(entry: Entry) -> dict[str, Any]:
    return {
        "document_id": str(entry.document_id),
        "filename": entry.filename,
        "content_type": entry.content_type,
        "status": entry.status,
        "reason": entry.reason,
        "engine": entry.engine,
        "fields": entry.fields,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, sort_keys=True)


def manifest(
    client_file_id: uuid.UUID, export_id: uuid.UUID, created_at: datetime
) -> dict[str, Any]:
    return {
        "client_file_id": str(client_file_id),
        "export_id": str(export_id),
        "created_at": created_at.isoformat(),
        "format": "dossier-export-1",
    }
