"""Sample documents for the demo, made at run time: small PDFs with a real text layer and
plain-text till receipts. Nothing third-party is shipped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sample:
    filename: str
    data: bytes


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines`, in the built-in Helvetica font.

    Written by hand (objects, then the cross-reference table of their byte offsets), so the
    demo needs no PDF writer and every sample is different bytes.
    """
    content = ["BT", "/F1 12 Tf", "16 TL", "72 770 Td"]
    content += [f"({_pdf_string(line)}) Tj T*" for line in lines]
    content.append("ET")
    stream = "\n".join(content).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(pdf)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def invoice(supplier: str, number: str, date: str, total: str, vat: str) -> Sample:
    lines = [
        supplier,
        f"Invoice {number}",
        f"Date: {date}",
        f"VAT: {vat} EUR",
        f"Total: {total} EUR",
    ]
    return Sample(f"invoice-{number}.pdf", text_pdf(lines))


def receipt(shop: str, date: str, items: list[tuple[str, str]], total: str) -> Sample:
    lines = [shop, f"Receipt {date}", *(f"{item:<24}{price:>8}" for item, price in items)]
    lines.append(f"{'TOTAL EUR':<24}{total:>8}")
    slug = shop.lower().replace(" ", "-")
    return Sample(f"receipt-{slug}-{date}.txt", ("\n".join(lines) + "\n").encode())
