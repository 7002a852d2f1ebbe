"""What the console reads besides the API's views: a page's preview (a bounded PNG, only
for whoever may see the file) and the audit timeline (never a former practice's events)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.domain.model import Action
from app.errors import NotFound
from app.services import admin, previews, timeline
from tests.services.conftest import Office
from tests.unit.extraction.samples import INVOICE_LINES, encoded, pdf_bytes, receipt_image


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (pdf_bytes([INVOICE_LINES]), "invoice.pdf"),
        (encoded(receipt_image(["Cafe du Port", "Total 3.20 EUR"], width=2400), "JPEG"), "a.jpg"),
    ],
)
def test_a_preview_is_a_png_of_bounded_size(office: Office, data: bytes, filename: str) -> None:
    document_id = office.upload(data, filename=filename)
    picture = previews.preview(office.uow, office.blobs, office.actor(), document_id)
    assert picture is not None
    image = Image.open(io.BytesIO(picture))
    assert image.format == "PNG"
    assert image.width <= previews.MAX_WIDTH
    assert image.height <= previews.MAX_HEIGHT
    assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # something is drawn


def test_text_has_no_preview_and_a_damaged_pdf_none_either(office: Office) -> None:
    text = office.upload(office.receipt(1), filename="receipt.txt")
    assert previews.preview(office.uow, office.blobs, office.actor(), text) is None
    damaged = office.upload(b"%PDF-1.4\n" + b"\x00garbage" * 50, filename="broken.pdf")
    assert previews.preview(office.uow, office.blobs, office.actor(), damaged) is None


def test_another_practice_gets_no_preview(office: Office) -> None:
    document_id = office.upload(pdf_bytes([INVOICE_LINES]), filename="invoice.pdf")
    other = admin.create_practice(office.uow, "Other practice")
    stranger = admin.create_staff_user(office.uow, other, "Eve", "eve@other.test")
    with pytest.raises(NotFound):
        previews.preview(office.uow, office.blobs, office.actor(stranger), document_id)


def test_the_timeline_is_newest_first_and_names_who_acted(office: Office) -> None:
    office.change(Action.DEACTIVATE)
    office.change(Action.REACTIVATE)
    events = timeline.timeline(office.uow, office.actor(), office.file_id)
    assert [event.action for event in events] == ["reactivate", "deactivate"]
    assert events[0].actor_name is not None
    assert events[1].to_state["status"] == "deactivated"


def test_after_a_detach_the_next_practice_sees_none_of_the_former_ones_history(
    office: Office,
) -> None:
    client = office.invite("owner@client.test")
    office.change(Action.DEACTIVATE)
    office.change(Action.DETACH)
    assert len(timeline.timeline(office.uow, office.actor(client), office.file_id)) == 3
    second = admin.create_practice(office.uow, "Next practice")
    staff = admin.create_staff_user(office.uow, second, "Nina", "nina@next.test")
    office.change(Action.ATTACH, by=client, practice_id=str(second))
    seen = timeline.timeline(office.uow, office.actor(staff), office.file_id)
    assert [event.action for event in seen] == ["attach"]
