"""An export bundle built by a real worker on PostgreSQL: every document is in the zip and
the manifest's checksums match."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from app.services import exports
from tests.integration.conftest import Practice, Stack
from tests.integration.test_pipeline import upload


def test_a_worker_builds_an_export_with_every_document(stack: Stack, practice: Practice) -> None:
    # GIVEN a file whose documents were extracted
    stack.start_worker()
    texts = [f"Receipt {n}: total 3.{n:02d} EUR" for n in range(12)]
    for text in texts:
        upload(stack, practice, text)
    stack.wait_until_terminal(practice.client_file_id, len(texts))

    # WHEN the practice asks for an export
    asked = exports.request(
        stack.runtime.uow(), client_file_id=practice.client_file_id, actor=practice.staff
    )

    def ready() -> bool:
        found = exports.get(
            stack.runtime.uow(),
            actor=practice.staff,
            client_file_id=practice.client_file_id,
            export_id=asked.id,
        )
        return found.status in ("ready", "failed")

    stack.wait_for("the export to be built", ready)

    # THEN the zip holds every original, and every member matches the manifest
    with exports.download(
        stack.runtime.uow(),
        stack.runtime.blobs,
        actor=practice.staff,
        client_file_id=practice.client_file_id,
        export_id=asked.id,
    ) as stream:
        data = stream.read()
    bundle = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(bundle.read("manifest.json"))
    originals = sorted(bundle.read(d["member"]).decode() for d in manifest["documents"])
    assert originals == sorted(texts)
    for name, expected in manifest["files"].items():
        assert hashlib.sha256(bundle.read(name)).hexdigest() == expected["sha256"]
    rows = json.loads(bundle.read("extracted/documents.json"))
    assert [row["status"] for row in rows] == ["extracted"] * len(texts)
