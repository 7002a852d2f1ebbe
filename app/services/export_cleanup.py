"""Expired exports: their zip is removed and the row, kept for the record, says `expired`.
Run by beat (`dossier.maintenance.expire_exports`); safe beside a second run."""

from __future__ import annotations

import logging
from datetime import datetime

from app.persistence.exports import EXPIRED, export_key
from app.persistence.uow import UnitOfWork
from app.storage import BlobStore

log = logging.getLogger(__name__)


def expire(uow: UnitOfWork, blobs: BlobStore, *, now: datetime, limit: int = 100) -> int:
    """Expire up to `limit` exports past their end; return how many."""
    with uow:
        expired = uow.exports.expired(now, limit)
        for export in expired:
            # Gone already when the build failed or the file was deleted: nothing to undo.
            blobs.delete(export_key(export.client_file_id, export.id))
            export.status, export.updated_at = EXPIRED, now
            log.info("export %s expired; its zip was removed", export.id)
        uow.commit()
        return len(expired)
