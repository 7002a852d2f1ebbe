"""Dossier's Python client, for upload producers and other services:

    from app.client import Dossier
    dossier = Dossier("http://127.0.0.1:8000", token="dos_...")
    print(dossier.wait_until_extracted(dossier.upload(file_id, "receipt.pdf")).fields)

`AsyncDossier` makes the same calls for asyncio. Results are the API's pydantic models
(app.api.schemas); errors are app.client.errors. See docs/producers.md."""

from app.client.aio import AsyncDossier, AsyncJob
from app.client.core import RetryPolicy
from app.client.errors import (
    ActionRefused,
    ApiError,
    ConnectionFailed,
    DocumentNotExtracted,
    DossierClientError,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
    UnsupportedFileType,
    UploadTooLarge,
    WaitTimedOut,
)
from app.client.sync import Dossier, Job

__all__ = [
    "ActionRefused",
    "ApiError",
    "AsyncDossier",
    "AsyncJob",
    "ConnectionFailed",
    "DocumentNotExtracted",
    "Dossier",
    "DossierClientError",
    "IdempotencyKeyReused",
    "InvalidRequest",
    "Job",
    "NotFound",
    "RateLimited",
    "RetryPolicy",
    "ServiceUnavailable",
    "Unauthenticated",
    "UnsupportedFileType",
    "UploadTooLarge",
    "WaitTimedOut",
]
