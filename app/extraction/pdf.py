"""PDF pages through pypdfium2: positioned text of the text layer, or a bitmap for OCR."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from app.errors import UnreadableDocument
from app.extraction.layout import Box

# PDFium's FPDF_ERR_PASSWORD: the document is encrypted and the empty password fails.
_PASSWORD_ERROR = 4
# Rendered pages are OCRed at about 200 dpi: small print stays legible, and the OCR
# engine shrinks anything larger than 2000 px on a side anyway.
_RENDER_LONG_SIDE_PX = 2000
_MAX_RENDER_SCALE = 200 / 72
# Images narrower than this share of the page are logos, stamps or icons; taller than
# this share they are a scanned page. At most this many are read per page.
_MIN_IMAGE_SHARE = 0.3
_MAX_IMAGE_SHARE = 0.5
_MAX_IMAGES = 3


@contextmanager
def open_pdf(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF from memory, turning PDFium's failures into `UnreadableDocument`."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == _PASSWORD_ERROR:
            raise UnreadableDocument(
                "The PDF is password-protected; upload a copy without a password."
            ) from error
        raise UnreadableDocument(
            "The PDF is damaged or not a PDF at all; it cannot be opened."
        ) from error
    try:
        if len(document) == 0:
            raise UnreadableDocument("The PDF has no pages.")
        yield document
    finally:
        document.close()


def page_boxes(page: pdfium.PdfPage) -> tuple[float, float, list[Box]]:
    """The page size and its text layer as word boxes, as the page is displayed
    (its /Rotate applied), in top-down coordinates.

    Words are rebuilt from characters: some writers emit one run per word, others one per
    glyph, and only the characters' font boxes are comparable across both.
    """
    width, height = (float(side) for side in page.get_size())
    rotation = page.get_rotation() % 360
    text_page = page.get_textpage()
    try:
        count = text_page.count_chars()
        text = text_page.get_text_range(0, count)[:count]
        words = _words(text_page, text, rotation, width, height)
    finally:
        text_page.close()
    if rotation in (90, 270):
        width, height = height, width
    return width, height, words


Rect = tuple[float, float, float, float]


def _displayed(rect: Rect, rotation: int, width: float, height: float) -> Rect:
    """(left, bottom, right, top) in PDF space -> the same on the page as displayed,
    turned clockwise by `rotation` degrees (y still upwards)."""
    left, bottom, right, top = rect
    if rotation == 90:
        return bottom, width - right, top, width - left
    if rotation == 180:
        return width - right, height - top, width - left, height - bottom
    if rotation == 270:
        return height - top, left, height - bottom, right
    return rect


def readable_share(boxes: list[Box]) -> float:
    """Share of ordinary characters: a text layer made of private-use glyph codes or
    replacement characters (fonts without a Unicode map) is no text layer at all."""
    text = "".join(box.text for box in boxes)
    if not text:
        return 0.0
    return 1 - len(_ODD_CHARS.findall(text)) / len(text)


# Replacement characters, private-use glyph codes and control characters.
_ODD_CHARS = re.compile(r"[\x00-\x1f\ufffd\ue000-\uf8ff]")


def _words(
    text_page: pdfium.PdfTextPage, text: str, rotation: int, width: float, height: float
) -> list[Box]:
    # Written for speed: it runs once per character of every page. Only the characters of
    # runs without whitespace are visited (whitespace ends a word); PDFium's character
    # boxes are read through `_LOOSE_CHAR_BOX` into one reused rectangle, whose four
    # floats are read at once through a memoryview.
    rect = pdfium_c.FS_RECTF()
    address = ctypes.addressof(rect)
    values = memoryview(rect).cast("B").cast("f")  # left, top, right, bottom
    raw = ctypes.cast(text_page.raw, ctypes.c_void_p).value
    char_box = _LOOSE_CHAR_BOX
    invisible = _INVISIBLE
    words: list[Box] = []
    c_left: float
    c_top: float
    c_right: float
    c_bottom: float
    for run in _RUN.finditer(text):
        index = run.start() - 1
        current: list[str] = []
        left = bottom = right = top = 0.0
        for char in run.group():
            index += 1
            if char in invisible:
                continue
            if not char_box(raw, index, address):
                raise pdfium.PdfiumError("Failed to get charbox.")
            c_left, c_top, c_right, c_bottom = values.tolist()
            if rotation:
                c_left, c_bottom, c_right, c_top = _displayed(
                    (c_left, c_bottom, c_right, c_top), rotation, width, height
                )
            if current:
                size = c_top - c_bottom
                if size < 1e-3:
                    size = 1e-3
                # The next glyph of the same word starts where the last one ended, on its
                # line.
                if (
                    -0.5 * size < c_left - right < 0.3 * size
                    and abs(c_bottom - bottom) < 0.5 * size
                ):
                    right = c_right if c_right > right else right
                    top = c_top if c_top > top else top
                    left = c_left if c_left < left else left
                    bottom = c_bottom if c_bottom < bottom else bottom
                    current.append(char)
                    continue
                words.append(_box(current, left, bottom, right, top, height))
            left, bottom, right, top = c_left, c_bottom, c_right, c_top
            current = [char]
        if current:
            words.append(_box(current, left, bottom, right, top, height))
    return words


def _box(
    chars: list[str], left: float, bottom: float, right: float, top: float, height: float
) -> Box:
    # Text layers carry soft hyphens, NULs and odd line breaks that break the parsers'
    # regexes: a word holds none of them (whitespace ends it, invisible characters are
    # skipped), only the minus sign is left to turn into a hyphen.
    text = "".join(chars)
    if "\u2212" in text:
        text = text.replace("\u2212", "-")
    return Box(text, left, height - top, right, height - bottom)


def page_images(page: pdfium.PdfPage) -> list[tuple[Image.Image, Rect]]:
    """The images of an upright page that may hold printed lines (a letterhead or a
    company footer saved as a picture), with where they sit: (left, top, right, bottom)
    in top-down page coordinates."""
    if page.get_rotation() % 360:
        return []
    width, height = (float(side) for side in page.get_size())
    found = []
    for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = item.get_bounds()
        if right - left < _MIN_IMAGE_SHARE * width or top - bottom > _MAX_IMAGE_SHARE * height:
            continue  # a stamp or an icon, or a whole scanned page (OCRed as a scan)
        try:
            bitmap = item.get_bitmap(render=True)
        except pdfium.PdfiumError:
            continue
        try:
            image: Image.Image = bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
        found.append((image, (left, height - top, right, height - bottom)))
        if len(found) == _MAX_IMAGES:
            break
    return found


def render_page(page: pdfium.PdfPage) -> Image.Image:
    width, height = page.get_size()
    scale = min(_RENDER_LONG_SIDE_PX / max(width, height, 1.0), _MAX_RENDER_SCALE)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image: Image.Image = bitmap.to_pil()
        return image.copy()
    finally:
        bitmap.close()


_INVISIBLE = {"\u00ad", "\x00", "\ufffe", "\uffff", "\x02"}
# A word is cut out of a run of characters without whitespace (`\s` is `str.isspace`).
_RUN = re.compile(r"\S+")
# PDFium's FPDFText_GetLooseCharBox(text_page, index, FS_RECTF*) called with plain
# addresses: pypdfium2's binding checks and converts its arguments on every call, which
# cost a third of the call (the same function, the same rectangle).
_CHAR_BOX_ADDRESS = ctypes.cast(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_void_p).value
if not _CHAR_BOX_ADDRESS:
    raise ImportError("PDFium's FPDFText_GetLooseCharBox is missing")
_LOOSE_CHAR_BOX = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
    _CHAR_BOX_ADDRESS
)
