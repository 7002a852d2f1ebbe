"""Exports are safe to open and to keep: no spreadsheet formula in the CSV, an end after
which the zip goes, a limit per file, and only the practice that asked ever sees one."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import timedelta

import pytest

from app.domain.model import Action
from app.errors import ActionRefused, NotFound
from app.persistence.exports import export_key
from app.persistence.models import utcnow
from app.services import admin, documents, export_cleanup, exports
from app.services.bundle import neutralised
from tests.services.conftest import RECEIPT, Office
from tests.support.consent import attach_by_request

FORMULA_NAME = "=1+1+cmd|' -c calc'!A0.txt"


def ready_export(office: Office, **limits: object) -> exports.ExportView:
    asked = exports.request(
        office.uow,
        client_file_id=office.file_id,
        actor=office.actor(),
        limits=exports.ExportLimits(**limits),  # type: ignore[arg-type]
    )
    return exports.build(office.uow, office.blobs, asked.id)


def download(office: Office, export_id: uuid.UUID, by: uuid.UUID | None = None) -> bytes:
    with exports.download(
        office.uow,
        office.blobs,
        actor=office.actor(by),
        client_file_id=office.file_id,
        export_id=export_id,
    ) as stream:
        return stream.read()


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tleading tab", "'\tleading tab"),
        ("\rcarriage", "'\rcarriage"),
        ("-12.50", "-12.50"),
        ("Boulangerie", "Boulangerie"),
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_is_quoted(cell: str, kept: str) -> None:
    assert neutralised(cell) == kept


def test_a_formula_file_name_lands_quoted_in_the_csv(office: Office) -> None:
    documents.upload(
        office.uow,
        office.blobs,
        office.settings,
        client_file_id=office.file_id,
        actor=office.actor(),
        filename=FORMULA_NAME,
        data=RECEIPT,
    )
    built = ready_export(office)

    bundle = zipfile.ZipFile(io.BytesIO(download(office, built.id)))
    [row] = csv.DictReader(io.StringIO(bundle.read("extracted/documents.csv").decode()))

    assert row["filename"] == "'" + FORMULA_NAME


def test_an_export_expires_its_zip_goes_and_it_can_no_longer_be_downloaded(
    office: Office,
) -> None:
    built = ready_export(office, ttl=timedelta(hours=1))
    assert built.expires_at is not None

    early = export_cleanup.expire(office.uow, office.blobs, now=built.expires_at - timedelta(1))
    due = export_cleanup.expire(office.uow, office.blobs, now=built.expires_at)
    again = export_cleanup.expire(office.uow, office.blobs, now=built.expires_at)
    with pytest.raises(ActionRefused) as refused:
        download(office, built.id)

    assert (early, due, again) == (0, 1, 0)
    assert refused.value.reason == "export_expired"
    assert not office.blobs.exists(export_key(office.file_id, built.id))


def test_a_file_keeps_a_limited_number_of_exports(office: Office) -> None:
    first = ready_export(office, max_per_file=2)
    ready_export(office, max_per_file=2)

    with pytest.raises(ActionRefused) as refused:
        ready_export(office, max_per_file=2)
    export_cleanup.expire(office.uow, office.blobs, now=first.expires_at or utcnow())
    after_expiry = ready_export(office, max_per_file=2)

    assert refused.value.reason == "export_limit_reached"
    assert after_expiry.status == "ready"


def test_after_a_detach_the_next_practice_never_sees_the_former_ones_export(
    office: Office,
) -> None:
    built = ready_export(office)
    client_id = office.invite("paul@martin.test")
    office.change(Action.DETACH)
    other = admin.create_practice(office.uow, "Autre")
    newcomer = admin.create_staff_user(office.uow, other, "Eve", "eve@autre.test")
    attached = attach_by_request(office.uow, office.file_id, client_id, newcomer)
    assert attached.status == "accepted", attached

    listed = exports.list_for_file(
        office.uow, actor=office.actor(newcomer), client_file_id=office.file_id
    )
    with pytest.raises(NotFound):
        exports.get(
            office.uow,
            actor=office.actor(newcomer),
            client_file_id=office.file_id,
            export_id=built.id,
        )
    with pytest.raises(NotFound):
        download(office, built.id, by=newcomer)
    listed_by_client = exports.list_for_file(
        office.uow, actor=office.actor(client_id), client_file_id=office.file_id
    )

    assert listed == []
    assert listed_by_client == []
