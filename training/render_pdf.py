"""A pen that draws text PDFs with real embedded fonts, in millimetres from the top left.

reportlab writes a genuine text layer (subset TrueType fonts with their Unicode maps), so
pypdfium2 reads back the words, their sizes and weights as it would from a producer's PDF.
`invariant=1` fixes the creation date and document id: the same drawing gives the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FACES = {
    "sans": ("DejaVuSans", "DejaVuSans-Bold"),
    "serif": ("DejaVuSerif", "DejaVuSerif-Bold"),
    "mono": ("DejaVuSansMono", "DejaVuSansMono-Bold"),
    "condensed": ("DejaVuSansCondensed", "DejaVuSansCondensed-Bold"),
}
A4 = (210.0, 297.0)


def _register_fonts() -> None:
    for regular, bold in FACES.values():
        for name in (regular, bold):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))


class Pen:
    """Draws on pages of `size` millimetres; `y` counts down from the top edge."""

    def __init__(self, size: tuple[float, float] = A4, face: str = "sans") -> None:
        _register_fonts()
        self.width, self.height = size
        self.face = face
        self._buffer = io.BytesIO()
        self._canvas = Canvas(self._buffer, pagesize=(size[0] * mm, size[1] * mm), invariant=1)
        self._canvas.setTitle("")
        self.pages = 1

    def font(self, bold: bool = False, face: str | None = None) -> str:
        regular, heavy = FACES[face or self.face]
        return heavy if bold else regular

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 9,
        *,
        bold: bool = False,
        align: str = "left",
        face: str | None = None,
        gray: float = 0.0,
    ) -> None:
        canvas = self._canvas
        canvas.setFillGray(gray)
        canvas.setFont(self.font(bold, face), size)
        px, py = x * mm, (self.height - y) * mm
        if align == "right":
            canvas.drawRightString(px, py, text)
        elif align == "center":
            canvas.drawCentredString(px, py, text)
        else:
            canvas.drawString(px, py, text)

    def measure(self, text: str, size: float = 9, *, bold: bool = False) -> float:
        """Width of `text` in millimetres."""
        return float(pdfmetrics.stringWidth(text, self.font(bold), size)) / mm

    def fit(self, text: str, size: float, width: float, *, bold: bool = False) -> float:
        """`size`, or smaller so that `text` is at most `width` millimetres wide."""
        return min(size, size * width / max(self.measure(text, size, bold=bold), 0.1))

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.3) -> None:
        self._canvas.setLineWidth(width)
        self._canvas.setStrokeGray(0)
        self._canvas.line(x1 * mm, (self.height - y1) * mm, x2 * mm, (self.height - y2) * mm)

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: float | None = None,
        stroke: bool = True,
    ) -> None:
        """A rectangle whose top left corner is (x, y); `fill` is a gray level."""
        canvas = self._canvas
        canvas.setLineWidth(0.3)
        if fill is not None:
            canvas.setFillGray(fill)
        canvas.rect(
            x * mm,
            (self.height - y - h) * mm,
            w * mm,
            h * mm,
            stroke=int(stroke),
            fill=int(fill is not None),
        )
        canvas.setFillGray(0)

    def new_page(self) -> None:
        self._canvas.showPage()
        self.pages += 1

    def finish(self) -> bytes:
        self._canvas.showPage()
        self._canvas.save()
        return self._buffer.getvalue()
