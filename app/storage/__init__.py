"""Blob storage: a directory (`local`), or an S3-compatible bucket (`s3`) when processes
run on several machines. Keys are `<client file id>/<sha256>`, so one prefix holds a whole
file. Both stores implement `base.BlobStore`; `make_blob_store` picks one from the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.storage.base import (
    COPY_CHUNK,
    DELETE_PROGRESS_EVERY,
    BlobStore,
    DeleteProgress,
    blob_key,
)
from app.storage.local import LocalBlobStore

if TYPE_CHECKING:
    from app.config import Settings

__all__ = [
    "COPY_CHUNK",
    "DELETE_PROGRESS_EVERY",
    "BlobStore",
    "DeleteProgress",
    "LocalBlobStore",
    "blob_key",
    "make_blob_store",
]


def make_blob_store(settings: Settings) -> BlobStore:
    """An S3-compatible bucket when one is configured (several machines), else a directory."""
    if settings.storage_s3_bucket:
        from app.storage.s3 import S3BlobStore

        return S3BlobStore(
            settings.storage_s3_bucket,
            prefix=settings.storage_s3_prefix,
            endpoint_url=settings.storage_s3_endpoint_url,
        )
    from app.config import ensure_directory

    return LocalBlobStore(ensure_directory(settings.storage_dir, "DOSSIER_STORAGE_DIR"))
