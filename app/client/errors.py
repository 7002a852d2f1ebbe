"""What the client raises: one tree, each API error code its own class, with the code,
the sentence, the refusal reason and the whole error body kept on the exception."""

from __future__ import annotations

from typing import Any


class DossierClientError(Exception):
    """Base of everything the client raises."""


class ConnectionFailed(DossierClientError):
    """Dossier could not be reached (or kept dropping the connection) after every retry."""


class WaitTimedOut(DossierClientError):
    """A wait (`wait_until_extracted`, `Job.wait`) ran out of time; nothing failed."""


class ApiError(DossierClientError):
    """An error answer from the API: `{"error": {"code", "message", ...}}`."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        error = _error_of(body)
        self.status = status
        self.code: str = str(error.get("code", "http_error"))
        self.message: str = str(error.get("message", f"HTTP {status}"))
        self.details: dict[str, Any] = dict(error)
        super().__init__(f"{self.code}: {self.message}")


class Unauthenticated(ApiError):
    """401: no valid API token."""


class Forbidden(ApiError):
    """403."""


class NotFound(ApiError):
    """404: no such thing, or the token's user may not see it."""


class ActionRefused(ApiError):
    """409, or a refused job: the rules forbid it now; `reason` is the stable code
    (`file_being_deleted`, `quota_exceeded`, `has_client_users`, ...). Nothing changed."""

    @property
    def reason(self) -> str | None:
        reason = self.details.get("reason")
        return str(reason) if reason is not None else None


class InvalidRequest(ApiError):
    """422: the request can never succeed as sent; `problems` says where."""

    @property
    def problems(self) -> list[dict[str, Any]]:
        return list(self.details.get("problems", []))


class IdempotencyKeyReused(InvalidRequest):
    """422 `idempotency_key_reused`: the key was used before with another request."""


class UploadTooLarge(InvalidRequest):
    """413: over the server's size limit."""


class UnsupportedFileType(InvalidRequest):
    """415: not a type Dossier reads (judged from the bytes)."""


class RateLimited(ApiError):
    """429 still answered after every retry; `retry_after` in seconds."""

    @property
    def retry_after(self) -> float | None:
        value = self.details.get("retry_after")
        return float(value) if value is not None else None


class ServiceUnavailable(ApiError):
    """503 still answered after every retry (the job queue or the database is down)."""


class ServerError(ApiError):
    """A 5xx: an error on Dossier's side, logged there."""


class DocumentNotExtracted(DossierClientError):
    """`wait_until_extracted` found the document skipped or failed; `document` has its
    `reason` code and `message`."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.reason: str | None = document.reason
        super().__init__(
            f"document {document.id} was {document.status}: {document.reason} ({document.message})"
        )


_BY_CODE: dict[str, type[ApiError]] = {
    "idempotency_key_reused": IdempotencyKeyReused,
    "upload_too_large": UploadTooLarge,
    "body_too_large": UploadTooLarge,
    "unsupported_file_type": UnsupportedFileType,
}

_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthenticated,
    403: Forbidden,
    404: NotFound,
    409: ActionRefused,
    413: UploadTooLarge,
    415: UnsupportedFileType,
    422: InvalidRequest,
    429: RateLimited,
    503: ServiceUnavailable,
}


def _error_of(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def error_for(status: int, body: Any) -> ApiError:
    body = body if isinstance(body, dict) else {}
    error = _error_of(body)
    kind = _BY_CODE.get(str(error.get("code"))) or _BY_STATUS.get(status)
    if kind is None:
        kind = ServerError if status >= 500 else ApiError
    return kind(status, body)
