"""Paged reads for the API: a client file may hold many thousands of documents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.persistence.models import Document


class DocumentPages:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, file_id: uuid.UUID) -> int:
        query = select(func.count()).where(Document.client_file_id == file_id)
        return self.session.scalar(query) or 0

    def page(self, file_id: uuid.UUID, *, limit: int, offset: int) -> Sequence[Document]:
        query = (
            select(Document)
            .where(Document.client_file_id == file_id)
            .order_by(Document.created_at, Document.id)
            .limit(limit)
            .offset(offset)
        )
        return self.session.scalars(query).all()
