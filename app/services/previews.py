"""A picture of a document's first page for the console: PDFs rendered by PDFium, photos
scaled down, always a PNG of bounded size. Documents the reader may not see are not found;
kinds with no page (text, XML) have no preview."""

from __future__ import annotations

import io
import uuid

from PIL import Image

from app.domain.model import Actor
from app.errors import UnreadableDocument
from app.extraction.pdf import open_pdf
from app.persistence.uow import UnitOfWork
from app.services.queries import visible_document
from app.storage import BlobStore

MAX_WIDTH = 640
MAX_HEIGHT = 900
# Larger originals are not opened for a preview: the page says so instead.
MAX_SOURCE_BYTES = 20 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000
PAGE_KINDS = frozenset({"application/pdf", "image/jpeg", "image/png"})


def has_preview(content_type: str) -> bool:
    return content_type in PAGE_KINDS


def preview(
    uow: UnitOfWork, blobs: BlobStore, actor: Actor, document_id: uuid.UUID
) -> bytes | None:
    """The PNG of the document's first page, or None when it has none to show."""
    with uow:
        document = visible_document(uow, actor, document_id)
        key, kind, size = document.blob_key, document.content_type, document.size_bytes
    if kind not in PAGE_KINDS or size > MAX_SOURCE_BYTES or not blobs.exists(key):
        return None
    try:
        return render(blobs.get(key), kind)
    except (UnreadableDocument, OSError, Image.DecompressionBombError):
        return None


def render(data: bytes, content_type: str) -> bytes:
    picture = _first_page(data) if content_type == "application/pdf" else _photo(data)
    picture.thumbnail((MAX_WIDTH, MAX_HEIGHT))
    out = io.BytesIO()
    picture.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _first_page(data: bytes) -> Image.Image:
    with open_pdf(data) as document:
        page = document[0]
        width, height = page.get_size()
        scale = min(MAX_WIDTH / max(width, 1.0), MAX_HEIGHT / max(height, 1.0), 2.0)
        picture: Image.Image = page.render(scale=scale).to_pil()
        return picture


def _photo(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    if picture.width * picture.height > MAX_SOURCE_PIXELS:
        raise Image.DecompressionBombError("too many pixels for a preview")
    picture.draft("RGB", (MAX_WIDTH, MAX_HEIGHT))  # JPEGs decode at a smaller size
    return picture
