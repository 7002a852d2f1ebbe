"""Export bundles: the zip holds every document, byte for byte, the extracted data as CSV
and JSON, and a manifest whose checksums match; it goes when its file goes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import uuid
import zipfile
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from app.domain.model import Action
from app.errors import ActionRefused, NotFound
from app.persistence.exports import ExportBundle, export_key
from app.persistence.models import utcnow
from app.services import admin, deletion, exports, messages
from app.services import bundle as bundle_module
from app.services.bundle_lines import LINE_COLUMNS

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office


def build(office: Office) -> tuple[exports.ExportView, zipfile.ZipFile]:
    asked = exports.request(office.uow, client_file_id=office.file_id, actor=office.actor())
    built = exports.build(office.uow, office.blobs, asked.id)
    with exports.download(
        office.uow,
        office.blobs,
        actor=office.actor(),
        client_file_id=office.file_id,
        export_id=asked.id,
    ) as stream:
        data = stream.read()
    assert hashlib.sha256(data).hexdigest() == built.sha256
    assert len(data) == built.size_bytes
    return built, zipfile.ZipFile(io.BytesIO(data))


@pytest.fixture
def filled(office: Office) -> dict[uuid.UUID, bytes]:
    """Two extracted documents and one still waiting for the gatekeeper."""
    contents = {}
    for index in range(3):
        data = office.receipt(index)
        document_id = office.extracted(data) if index < 2 else office.upload(data)
        contents[document_id] = data
    return contents


def test_the_zip_holds_every_document_and_the_manifest_checksums_match(
    office: Office, filled: dict[uuid.UUID, bytes]
) -> None:
    built, bundle = build(office)

    manifest = json.loads(bundle.read("manifest.json"))
    members = {name for name in bundle.namelist() if name != "manifest.json"}
    assert set(manifest["files"]) == members
    for name in members:
        data = bundle.read(name)
        assert manifest["files"][name] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
    listed = {uuid.UUID(d["document_id"]): d for d in manifest["documents"]}
    assert set(listed) == set(filled)
    for document_id, original in filled.items():
        assert bundle.read(listed[document_id]["member"]) == original
        assert listed[document_id]["sha256"] == hashlib.sha256(original).hexdigest()
    assert (built.status, built.documents_done, built.documents_total) == ("ready", 3, 3)


def test_the_extracted_data_is_there_as_json_and_csv(
    office: Office, filled: dict[uuid.UUID, bytes]
) -> None:
    _, bundle = build(office)

    rows = json.loads(bundle.read("extracted/documents.json"))
    table = list(csv.DictReader(io.StringIO(bundle.read("extracted/documents.csv").decode())))

    assert {uuid.UUID(r["document_id"]) for r in rows} == set(filled)
    assert sorted(r["status"] for r in rows) == ["extracted", "extracted", "pending"]
    assert sum(1 for r in rows if r["fields"]) == 2
    assert {uuid.UUID(r["document_id"]) for r in table} == set(filled)
    assert sorted(r["status"] for r in table) == ["extracted", "extracted", "pending"]


def test_a_file_read_in_several_chunks_gives_every_row_once_oldest_first(
    office: Office, filled: dict[uuid.UUID, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "ENTRY_CHUNK", 2)
    more = [office.extracted(office.receipt(index)) for index in range(3, 6)]

    _, bundle = build(office)

    oldest_first = [*filled, *more]
    rows = json.loads(bundle.read("extracted/documents.json"))
    table = list(csv.DictReader(io.StringIO(bundle.read("extracted/documents.csv").decode())))
    manifest = json.loads(bundle.read("manifest.json"))
    for listed in (rows, table, manifest["documents"]):
        assert [uuid.UUID(r["document_id"]) for r in listed] == oldest_first
    # a column for each extracted field, filled for the extracted documents
    assert {"characters", "pages"} <= set(table[0])
    assert all(r["characters"] for r in table if r["status"] == "extracted")


def test_e_invoice_lines_get_a_table_of_their_own(
    office: Office, filled: dict[uuid.UUID, bytes]
) -> None:
    from app.extraction.engine import InvoiceEngine
    from benchmarks.einvoice_ubl import ubl
    from tests.unit.extraction.einvoice_samples import known_spec

    invoice_id = office.extracted(ubl(known_spec()), engine=InvoiceEngine())

    _, bundle = build(office)

    lines = json.loads(bundle.read("extracted/lines.json"))
    table = list(csv.DictReader(io.StringIO(bundle.read("extracted/lines.csv").decode())))
    assert [row["document_id"] for row in lines] == [str(invoice_id)] * 2
    assert lines[0]["description"] == "Conseil en organisation"
    assert (lines[1]["quantity"], lines[1]["unit_price"], lines[1]["net_amount"]) == (
        "12",
        "2.4950",
        "29.94",
    )
    assert [row["vat_rate"] for row in table] == ["20", "5.5"]
    assert {row["invoice_number"] for row in table} == {"FA-2026-0042"}
    documents = list(csv.DictReader(io.StringIO(bundle.read("extracted/documents.csv").decode())))
    assert "lines" not in documents[0]  # in their own table
    invoice = next(row for row in documents if row["document_id"] == str(invoice_id))
    assert (invoice["net"], invoice["amount_due"]) == ("279.84", "231.47")
    assert "249.90" in invoice["vat_breakdown"]


def test_an_empty_file_exports_empty_tables(office: Office) -> None:
    built, bundle = build(office)

    assert json.loads(bundle.read("extracted/documents.json")) == []
    assert bundle.read("extracted/documents.csv").decode().splitlines() == [
        ",".join(bundle_module.FIXED_COLUMNS)
    ]
    assert json.loads(bundle.read("extracted/lines.json")) == []
    assert bundle.read("extracted/lines.csv").decode().splitlines() == [",".join(LINE_COLUMNS)]
    assert (built.status, built.documents_total) == ("ready", 0)


def test_the_request_sends_one_build_task_and_a_second_build_changes_nothing(
    office: Office, filled: dict[uuid.UUID, bytes], dispatcher: FakeDispatcher
) -> None:
    dispatcher.clear()
    asked = exports.request(office.uow, client_file_id=office.file_id, actor=office.actor())
    first = exports.build(office.uow, office.blobs, asked.id)
    again = exports.build(office.uow, office.blobs, asked.id)

    [message] = dispatcher.named(messages.EXPORT)
    assert message.payload == {"export_id": str(asked.id)}
    assert (asked.status, asked.documents_total) == ("pending", 3)
    assert again == first


def test_progress_is_reported_as_documents_are_written(
    office: Office, filled: dict[uuid.UUID, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    asked = exports.request(office.uow, client_file_id=office.file_id, actor=office.actor())
    seen: list[tuple[int, int, int]] = []

    def watch(done: int, total: int) -> None:
        current = exports.get(
            office.uow, actor=office.actor(), client_file_id=office.file_id, export_id=asked.id
        )
        seen.append((done, total, current.documents_done))

    exports.build(office.uow, office.blobs, asked.id, on_progress=watch)

    assert seen == [(1, 3, 1), (2, 3, 2), (3, 3, 3)]


def test_a_missing_blob_is_listed_as_missing_not_a_failure(
    office: Office, filled: dict[uuid.UUID, bytes]
) -> None:
    lost = next(iter(filled))
    document = office.document(lost)
    assert document is not None
    office.blobs.delete(document.blob_key)

    built, bundle = build(office)

    listed = {d["document_id"]: d for d in json.loads(bundle.read("manifest.json"))["documents"]}
    assert listed[str(lost)]["missing"] is True
    assert listed[str(lost)]["member"] is None
    assert built.status == "ready"


def test_only_staff_who_see_the_file_export_and_download(office: Office) -> None:
    client_id = office.invite("paul@martin.test")
    other = admin.create_practice(office.uow, "Autre")
    stranger = admin.create_staff_user(office.uow, other, "Eve", "eve@autre.test")
    asked = exports.request(office.uow, client_file_id=office.file_id, actor=office.actor())

    with pytest.raises(ActionRefused) as by_client:
        exports.request(office.uow, client_file_id=office.file_id, actor=office.actor(client_id))
    with pytest.raises(NotFound):
        exports.request(office.uow, client_file_id=office.file_id, actor=office.actor(stranger))
    with pytest.raises(ActionRefused) as not_ready:
        exports.download(
            office.uow,
            office.blobs,
            actor=office.actor(),
            client_file_id=office.file_id,
            export_id=asked.id,
        )

    assert by_client.value.reason == "practice_staff_only"
    assert not_ready.value.reason == "export_not_ready"


def test_the_export_goes_with_its_deleted_file(
    office: Office, filled: dict[uuid.UUID, bytes]
) -> None:
    built, _ = build(office)
    waiting = exports.request(office.uow, client_file_id=office.file_id, actor=office.actor())

    deletion.delete(
        office.uow,
        office.blobs,
        job_id=uuid.uuid4(),
        client_file_id=office.file_id,
        actor_id=office.staff_id,
        batch_size=2,
    )

    with office.uow:
        left = office.uow.session.scalar(select(func.count()).select_from(ExportBundle))
    assert left == 0
    assert not office.blobs.exists(export_key(office.file_id, built.id))
    assert office.blobs.count_prefix(str(office.file_id)) == 0
    with pytest.raises(NotFound):  # its task arrives after the deletion: nothing is built
        exports.build(office.uow, office.blobs, waiting.id)
    assert office.blobs.count_prefix(str(office.file_id)) == 0


def test_a_detached_file_cannot_be_exported_by_its_former_practice(office: Office) -> None:
    office.change(Action.DEACTIVATE)
    office.invite("paul@martin.test")
    office.change(Action.DETACH)

    with pytest.raises(NotFound):  # detached: the practice no longer sees it at all
        exports.request(office.uow, client_file_id=office.file_id, actor=office.actor())


def test_a_bundle_is_written_to_a_file_on_disk_not_held_in_memory() -> None:
    writer = bundle_module.BundleWriter()
    writer.add("documents/a.txt", b"Total 12,40 EUR\n" * 1000)

    built = writer.close(bundle_module.manifest(uuid.uuid4(), uuid.uuid4(), utcnow()))

    with built.file:
        # A real file descriptor: the zip went to a temporary file, not a buffer.
        assert os.fstat(built.file.fileno()).st_size == built.size
        data = built.file.read()
    assert hashlib.sha256(data).hexdigest() == built.sha256
    assert zipfile.ZipFile(io.BytesIO(data)).read("documents/a.txt").startswith(b"Total")
