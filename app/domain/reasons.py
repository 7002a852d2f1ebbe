"""Why a document was skipped or failed: a stable code kept on the document, and the
sentence a practice reads. What went wrong inside (exception text, tracebacks) goes to
the worker's log only: it helps nobody reading the document, and may say too much."""

from __future__ import annotations

from app.domain.model import SkipReason

ENGINE_ERROR = "engine_error"
UNREADABLE = "unreadable_document"
BLOB_MISSING = "blob_missing"
INTERRUPTED = "interrupted"
TIMED_OUT = "extraction_time_limit"

SENTENCES = {
    SkipReason.CLIENT_FILE_DEACTIVATED.value: (
        "Not extracted: the client file was deactivated before this document was read."
    ),
    SkipReason.NO_SUBSCRIPTION.value: "Not extracted: the client file has no subscription.",
    ENGINE_ERROR: "The extraction engine could not process this document.",
    UNREADABLE: (
        "Dossier cannot read this document: it is damaged, encrypted, empty or holds no text."
    ),
    BLOB_MISSING: "The original file is missing from storage.",
    INTERRUPTED: "The extraction was interrupted too many times; it will not be tried again.",
    TIMED_OUT: "The extraction took longer than its time limit and was stopped; retry it.",
}


def with_detail(code: str, detail: str | None) -> str:
    """What a document keeps: the code, and for an unreadable one the engine's own sentence
    (Dossier's words, e.g. "The XML declares a DTD."), as `code: sentence`."""
    return code if not detail else f"{code}: {detail}"[:500]


def explained(reason: str | None) -> tuple[str | None, str | None]:
    """(code, sentence) of a stored reason. A reason written before reasons were codes is
    its own sentence."""
    if reason is None:
        return None, None
    code, _, detail = reason.partition(": ")
    if code in SENTENCES:
        return code, detail or SENTENCES[code]
    return reason, SENTENCES.get(reason)
