"""One error tree. Each error carries the ids involved and a sentence a practice understands."""

from __future__ import annotations

from typing import Any


class DossierError(Exception):
    """Base of every error Dossier raises on purpose."""

    code = "dossier_error"

    def __init__(self, message: str, **ids: Any) -> None:
        super().__init__(message)
        self.message = message
        self.ids = {key: str(value) for key, value in ids.items() if value is not None}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.ids}


class NotFound(DossierError):
    """The thing does not exist, or the caller may not know that it does."""

    code = "not_found"


class Forbidden(DossierError):
    """The caller is known but this action is not theirs to take."""

    code = "forbidden"


class ActionRefused(DossierError):
    """A lifecycle rule forbids the action in the file's current state."""

    code = "action_refused"

    def __init__(self, message: str, *, reason: str, **ids: Any) -> None:
        super().__init__(message, **ids)
        self.reason = reason

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "reason": self.reason}


class InvalidInput(DossierError):
    """The request itself is malformed: it can never succeed, so it is never retried."""

    code = "invalid_input"


class UploadTooLarge(InvalidInput):
    code = "upload_too_large"


class UnsupportedFileType(InvalidInput):
    code = "unsupported_file_type"


class EmptyUpload(InvalidInput):
    code = "empty_upload"


class UnreadableDocument(DossierError):
    """The extraction engine cannot read this document (corrupt, encrypted, empty)."""

    code = "unreadable_document"


class ExtractionTimedOut(DossierError):
    """The extraction ran past its time limit and was stopped. Worth a retry: the machine
    may have been busy, or the limit raised since."""

    code = "extraction_time_limit"


class RateLimited(DossierError):
    """Too many requests from one practice for now; `retry_after` says when to come back."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **ids: Any) -> None:
        super().__init__(message, **ids)
        self.retry_after = retry_after

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retry_after": self.retry_after}
