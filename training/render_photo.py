"""Turn a rendered page into what a phone camera returns: a JPEG of paper lying on a table,
tilted, in perspective, lit unevenly, with a shadow, blur, sensor noise and compression.

Deterministic: every random choice comes from the given generator.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

# Pixels per millimetre of paper: receipts are photographed close (about 180 dpi, 560 px
# across a till slip), pages from further away (about 110 dpi, 900 px across A4).
PIXELS_PER_MM = {True: 7.0, False: 900 / 210}
POINTS_PER_MM = 72 / 25.4


def photograph(pdf: bytes, rng: random.Random, *, narrow: bool = False) -> bytes:
    """A JPEG photo of the PDF's last page (the one with the totals)."""
    page = render_page(pdf, PIXELS_PER_MM[narrow] / POINTS_PER_MM)
    scene = place_on_table(page, rng)
    scene = scene.filter(ImageFilter.BoxBlur(rng.uniform(0.2, 1.0)))
    # One pass in float32 for the paper's colour cast, the light, the shadow and the noise.
    light = light_and_shadow(scene.size, rng)
    cast = np.array(
        [rng.uniform(0.88, 1.0), rng.uniform(0.87, 0.98), rng.uniform(0.8, 0.96)], dtype=np.float32
    )
    noise_rng = np.random.default_rng(rng.randrange(2**32))
    width, height = scene.size
    noise = noise_rng.standard_normal((height, width, 1), dtype=np.float32)
    array = np.asarray(scene, dtype=np.float32) * (light[..., None] * cast)
    array += noise * np.float32(rng.uniform(2, 7))
    np.clip(array, 0, 255, out=array)
    out = io.BytesIO()
    Image.fromarray(array.astype(np.uint8)).save(out, format="JPEG", quality=rng.randint(55, 88))
    return out.getvalue()


def render_page(pdf: bytes, scale: float) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[len(document) - 1]
        image: Image.Image = page.render(scale=scale).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    return image


def place_on_table(page: Image.Image, rng: random.Random) -> Image.Image:
    """Paper on a darker surface, turned a few degrees and seen at a slant, in one warp."""
    width, height = page.size
    pad_x, pad_y = int(width * 0.12), int(height * 0.08)
    table = tuple(rng.randint(40, 150) for _ in range(3))
    canvas = Image.new("RGB", (width + 2 * pad_x, height + 2 * pad_y), table)
    canvas.paste(page, (pad_x, pad_y))
    size = canvas.size
    turn = np.radians(rng.uniform(-4, 4))
    centre_x, centre_y = size[0] / 2, size[1] / 2
    jitter = 0.035  # with the padding, keeps the paper's corners in the frame

    def source(x: float, y: float) -> tuple[float, float]:
        """Where the output corner (x, y) looks in the flat canvas."""
        dx, dy = x - centre_x, y - centre_y
        turned_x = centre_x + dx * np.cos(turn) - dy * np.sin(turn)
        turned_y = centre_y + dx * np.sin(turn) + dy * np.cos(turn)
        return (
            turned_x + rng.uniform(-jitter, jitter) * size[0],
            turned_y + rng.uniform(-jitter, jitter) * size[1],
        )

    target = [(0.0, 0.0), (size[0], 0.0), (size[0], size[1]), (0.0, size[1])]
    coefficients = _perspective_coefficients(target, [source(x, y) for x, y in target])
    return canvas.transform(
        size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR, fillcolor=table
    )


def _perspective_coefficients(
    target: list[tuple[float, float]], source: list[tuple[float, float]]
) -> tuple[float, ...]:
    """The 8 numbers PIL maps output pixels back to input pixels with."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=np.float64)
    vector = np.array([c for point in source for c in point], dtype=np.float64)
    return tuple(float(c) for c in np.linalg.solve(matrix, vector))


def light_and_shadow(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    """Brightness per pixel (0..1): a gradient of light and the soft shadow of a hand."""
    ys, xs = np.mgrid[0:64, 0:64] / 63.0
    angle = rng.uniform(0, 2 * np.pi)
    gradient = 1.0 - rng.uniform(0.1, 0.35) * (np.cos(angle) * xs + np.sin(angle) * ys)
    shadow = Image.new("L", (64, 64), 0)
    if rng.random() < 0.7:
        corner = rng.choice(((0, 0), (64, 0), (0, 64), (64, 64)))
        reach = rng.randint(18, 40)
        box = (corner[0] - reach, corner[1] - reach, corner[0] + reach, corner[1] + reach)
        ImageDraw.Draw(shadow).ellipse(box, fill=rng.randint(60, 120))
        shadow = shadow.filter(ImageFilter.GaussianBlur(6))
    light = gradient * (1.0 - np.asarray(shadow, dtype=np.float64) / 255.0)
    small = Image.fromarray((np.clip(light, 0, 1) * 255).astype(np.uint8))
    full = small.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(full, dtype=np.float32) / np.float32(255)
