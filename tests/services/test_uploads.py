"""Registering an upload: refused clearly with nothing half-written, or stored once and
sent to the gatekeeper after the commit."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pytest
from sqlalchemy import func, select

from app.domain.model import Action, DocumentStatus
from app.errors import ActionRefused, EmptyUpload, NotFound, UnsupportedFileType, UploadTooLarge
from app.persistence.models import ClientFile, Document
from app.services import documents, messages
from app.services.idempotency import KeyClaim

if TYPE_CHECKING:
    from tests.services.conftest import FakeDispatcher, Office

PDF_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def stored_blobs(office: Office) -> list[Path]:
    return [path for path in office.blobs.root.rglob("*") if path.is_file()]


def document_rows(office: Office) -> int:
    with office.uow:
        return office.uow.session.scalar(select(func.count()).select_from(Document)) or 0


def upload(
    office: Office, data: bytes, filename: str = "receipt.txt", claim: KeyClaim | None = None
) -> documents.UploadResult:
    return documents.upload(
        office.uow,
        office.blobs,
        office.settings,
        client_file_id=office.file_id,
        actor=office.actor(),
        filename=filename,
        data=data,
        claim=claim,
    )


def test_an_upload_is_stored_and_sent_to_the_gatekeeper(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    result = upload(office, office.receipt(1))

    document = office.document(result.document_id)
    assert document is not None
    assert (result.status, result.duplicate) == (DocumentStatus.PENDING, False)
    assert office.blobs.get(document.blob_key) == office.receipt(1)
    assert document.blob_key.startswith(f"{office.file_id}/")
    [gate] = dispatcher.named(messages.GATE)
    assert gate.payload == {"document_id": str(result.document_id)}
    assert gate.task_id == document.task_id


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyUpload),
        (b"x" * (1024 * 1024 + 1), UploadTooLarge),
        (b"MZ\x90\x00" + bytes(100), UnsupportedFileType),
        (b"\xff\xfe\xfd\xfc" * 50, UnsupportedFileType),
    ],
    ids=["empty", "oversized", "executable", "not-utf8"],
)
def test_bad_uploads_are_refused_before_anything_is_written(
    office: Office, dispatcher: FakeDispatcher, data: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        upload(office, data)

    assert str(raised.value)
    assert stored_blobs(office) == []
    assert document_rows(office) == 0
    assert dispatcher.sent == []


def test_an_upload_of_exactly_the_limit_is_accepted(office: Office) -> None:
    data = b"a" * office.settings.max_upload_bytes

    assert not upload(office, data).duplicate


def test_a_type_the_settings_do_not_allow_is_refused(office: Office) -> None:
    office.settings.allowed_content_types = ("application/pdf",)

    with pytest.raises(UnsupportedFileType, match=r"\(text/plain\) are not accepted here"):
        upload(office, office.receipt(1))


def test_xml_that_is_not_an_e_invoice_is_refused_with_its_root(office: Office) -> None:
    order = b'<?xml version="1.0"?>\n<po:Order xmlns:po="urn:example:orders"/>'

    with pytest.raises(UnsupportedFileType, match=r"root element is \{urn:example:orders\}Order"):
        upload(office, order)

    with office.uow:
        assert office.uow.session.scalar(select(func.count()).select_from(Document)) == 0


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (PDF_HEADER, "photo.jpg", "application/pdf"),
        (b"Total 12.00 EUR\n", "invoice.pdf", "text/plain"),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "scan.txt", "image/png"),
    ],
)
def test_the_type_is_sniffed_from_the_bytes_not_the_name(
    office: Office, data: bytes, filename: str, content_type: str
) -> None:
    result = upload(office, data, filename)

    document = office.document(result.document_id)
    assert document is not None
    assert document.content_type == content_type
    assert document.filename == filename


def test_a_binary_named_like_a_pdf_is_refused(office: Office) -> None:
    with pytest.raises(UnsupportedFileType):
        upload(office, bytes(range(256)), "invoice.pdf")


def test_the_same_bytes_twice_are_the_same_document(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    first = upload(office, office.receipt(1))
    second = upload(office, office.receipt(1), "copy-of-receipt.txt")

    assert second.document_id == first.document_id
    assert second.duplicate
    assert document_rows(office) == 1
    assert len(stored_blobs(office)) == 1
    assert len(dispatcher.named(messages.GATE)) == 1


def test_the_same_bytes_in_another_file_are_another_document(office: Office) -> None:
    other = office.new_file()

    first = office.upload(office.receipt(1))
    second = office.upload(office.receipt(1), file_id=other)

    assert first != second
    assert len(stored_blobs(office)) == 2


def test_an_upload_to_a_deactivated_file_is_stored_then_skipped(office: Office) -> None:
    office.change(Action.DEACTIVATE)

    document_id = office.upload()

    assert office.status(document_id) is DocumentStatus.PENDING
    assert documents.gate(office.uow, document_id) == "skip"
    document = office.document(document_id)
    assert document is not None
    assert (document.status, document.reason) == (
        DocumentStatus.SKIPPED,
        "client_file_deactivated",
    )


def _mark_deleting(office: Office) -> None:
    # The first step of a deletion, as a crash would leave it.
    with office.uow:
        client_file = office.uow.session.get(ClientFile, office.file_id)
        assert client_file is not None
        client_file.status = "deleting"  # type: ignore[assignment]
        office.uow.commit()


def test_an_upload_to_a_file_being_deleted_is_refused_and_leaves_nothing(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    _mark_deleting(office)

    with pytest.raises(ActionRefused) as raised:
        upload(office, office.receipt(1))

    assert raised.value.reason == "file_being_deleted"
    assert stored_blobs(office) == []
    assert document_rows(office) == 0
    assert dispatcher.sent == []


def test_a_file_deleted_between_the_checks_takes_its_blob_back(
    office: Office, dispatcher: FakeDispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The deletion starts while the blob is being written: the second check refuses.
    real_put = office.blobs.put_stream

    def put_then_delete_starts(key: str, stream: BinaryIO) -> None:
        real_put(key, stream)
        _mark_deleting(office)

    monkeypatch.setattr(office.blobs, "put_stream", put_then_delete_starts)

    with pytest.raises(ActionRefused):
        upload(office, office.receipt(1))

    assert stored_blobs(office) == []
    assert document_rows(office) == 0
    assert dispatcher.sent == []


def test_an_unknown_file_is_not_found_and_nothing_is_written(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    with pytest.raises(NotFound):
        documents.upload(
            office.uow,
            office.blobs,
            office.settings,
            client_file_id=uuid.uuid4(),
            actor=office.actor(),
            filename="receipt.txt",
            data=office.receipt(1),
        )

    assert stored_blobs(office) == []
    assert document_rows(office) == 0
    assert dispatcher.sent == []


def test_practice_staff_cannot_upload_to_a_detached_file(
    office: Office, dispatcher: FakeDispatcher
) -> None:
    office.invite("owner@martin.test")
    assert office.change(Action.DETACH).status == "done"
    dispatcher.clear()

    with pytest.raises(NotFound):
        upload(office, office.receipt(1))

    assert stored_blobs(office) == []
    assert document_rows(office) == 0
    assert dispatcher.sent == []


def test_a_client_user_uploads_to_their_own_file_only(office: Office) -> None:
    owner = office.invite("owner@martin.test")
    other = office.new_file()

    assert office.upload(office.receipt(1), by=owner)
    with pytest.raises(NotFound):
        office.upload(office.receipt(2), by=owner, file_id=other)
