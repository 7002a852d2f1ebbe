"""Documents built on the spot: text PDFs, scans, photos of receipts, broken files."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

# A line of a document: (x, y from the top, text), in PDF points or image pixels.
Placed = tuple[float, float, str]


def pdf_bytes(
    pages: Sequence[Sequence[Placed]],
    *,
    encrypt: bool = False,
    rotate: int = 0,
    picture: tuple[float, float, Image.Image] | None = None,
) -> bytes:
    """A minimal A4 PDF whose text layer holds the given lines, in Helvetica.

    `rotate=90`: a landscape page stored portrait with /Rotate 90, its text drawn turned
    so that it reads normally once displayed (as some writers produce landscape pages).
    `picture=(x, y, image)`: the image drawn on every page, its top left corner at (x, y)
    from the top, at 2 pixels per point, as a JPEG.
    """
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font_id = 3
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    for lines in pages:
        matrix = b"0 1 -1 0 %.1f %.1f" if rotate == 90 else b"1 0 0 1 %.1f %.1f"
        stream = b"".join(
            b"BT /F1 11 Tf %s Tm (%s) Tj ET\n"
            % (matrix % ((y, x) if rotate == 90 else (x, 842 - y)), _escape(text))
            for x, y, text in lines
        )
        resources = b"/Font << /F1 %d 0 R >>" % font_id
        if picture is not None:
            x, y, image = picture
            width, height = image.width / 2, image.height / 2
            stream += b"q %.1f 0 0 %.1f %.1f %.1f cm /Im1 Do Q\n" % (
                width,
                height,
                x,
                842 - y - height,
            )
            objects.append(_jpeg_object(image))
            resources += b" /XObject << /Im1 %d 0 R >>" % len(objects)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Rotate %d "
            b"/Resources << %s >> >>" % (content_id, rotate, resources)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    trailer_extra = b""
    if encrypt:
        # Standard security handler, revision 2, with an owner/user key that the empty
        # password does not open: readers must ask for a password.
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
            + b"ab" * 32
            + b"> /U <"
            + b"cd" * 32
            + b"> >>"
        )
        trailer_extra = b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (len(objects), b"01" * 16, b"01" * 16)
    return _assemble(objects, trailer_extra)


def _jpeg_object(image: Image.Image) -> bytes:
    data = encoded(image.convert("RGB"), "JPEG")
    return b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB" \
        b" /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream" % (
        image.width, image.height, len(data), data)  # fmt: skip


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _assemble(objects: list[bytes], trailer_extra: bytes) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, trailer_extra, xref)
    )
    return out.getvalue()


def receipt_image(lines: Sequence[str], *, width: int = 700, size: int = 30) -> Image.Image:
    """A clean photo-like receipt: dark text on white, one line per entry."""
    font = ImageFont.load_default(size=size)
    image = Image.new("RGB", (width, 60 + len(lines) * int(size * 1.6)), "white")
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((30, 30 + index * int(size * 1.6)), line, fill="black", font=font)
    return image


def encoded(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


INVOICE_LINES: list[Placed] = [
    (50, 60, "Boulangerie Martin SARL"),
    (50, 75, "12 rue des Lilas, 69003 Lyon"),
    (350, 60, "Facture n° F-2024-0117"),
    (350, 75, "Date : 14/03/2024"),
    (350, 90, "Échéance : 13/04/2024"),
    (50, 140, "Client : Café du Port"),
    (50, 200, "Pains spéciaux 10 x 4,50 € 45,00 €"),
    (50, 215, "Viennoiseries 20 x 1,25 € 25,00 €"),
    (300, 260, "Total HT : 70,00 €"),
    (300, 275, "TVA 5,5 % : 3,85 €"),
    (300, 290, "Total TTC : 73,85 €"),
]


RECEIPT_LINES = [
    "CORNER GROCERY LTD",
    "221 Baker Street, London",
    "Receipt No: 48213",
    "Date: 05/11/2024 14:32",
    "Milk 2L          1.45",
    "Bread            2.10",
    "Coffee beans     7.99",
    "Subtotal        11.54",
    "VAT              0.00",
    "TOTAL  GBP      11.54",
]


# Hostile uploads (docs/extraction.md, "Bounded work"): each must be read within the caps.
def total_flood() -> bytes:
    """480 KB of 'Total ' on one line: once 181 s of CPU in the label overlap."""
    return b"Total " * 80_000


def many_numbers(count: int = 20_000) -> bytes:
    """A page of `count` amounts, 20 to a line, each under a money label."""
    values = [f"{(index * 7919) % 100_000 / 100:.2f}" for index in range(count)]
    lines = ["Total " + "  ".join(values[start : start + 20]) for start in range(0, count, 20)]
    return "\n".join(lines).encode()


def long_invoice_pdf(pages: int = 50) -> bytes:
    """A text PDF of `pages` full pages of item lines, the totals on the last one."""
    body = [
        [
            (40, 40 + 14 * row, f"Item {page}-{row} Widget 2 x 12,50 EUR 25,00 EUR")
            for row in range(55)
        ]
        for page in range(pages)
    ]
    body[-1] += [(300, 820, "Total TTC 1.234,56 EUR")]
    return pdf_bytes(body)
