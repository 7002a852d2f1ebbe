"""What an upload really is, from its first bytes (the name and the claimed type lie)."""

from __future__ import annotations

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TEXT = "text/plain"

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_TEXT_PROBE_BYTES = 8192
# How much of a file `sniff` reads: callers holding only the start of an upload keep this.
SNIFF_BYTES = _TEXT_PROBE_BYTES


def sniff(data: bytes) -> str | None:
    """The content type of `data`, or None when it is none Dossier can read."""
    head = data[:1024]
    for magic, content_type in _MAGIC:
        # PDF writers may put a little junk before the header; the spec allows 1 KiB.
        if content_type == PDF and magic in head:
            return PDF
        if head.startswith(magic):
            return content_type
    return TEXT if _looks_like_text(data[:_TEXT_PROBE_BYTES]) else None


def _looks_like_text(probe: bytes) -> bool:
    if not probe or b"\x00" in probe:
        return False
    try:
        probe.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the probe's end is still text.
        if error.start < len(probe) - 3:
            return False
    return True
