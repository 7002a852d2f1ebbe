"""Counts behind the upload quota."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.persistence.models import ClientFile, Document


class Quotas:
    def __init__(self, session: Session) -> None:
        self.session = session

    def documents_of(self, practice_id: uuid.UUID | None, file_id: uuid.UUID) -> int:
        """Documents held by the practice's files, or by the file alone without one."""
        query = select(func.count()).select_from(Document)
        if practice_id is None:
            query = query.where(Document.client_file_id == file_id)
        else:
            query = query.join(ClientFile, ClientFile.id == Document.client_file_id).where(
                ClientFile.practice_id == practice_id
            )
        return self.session.scalar(query) or 0
