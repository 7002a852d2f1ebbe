"""Counts an operator watches, read at scrape time (`/metrics`): one grouped query each,
on columns the tables already index."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.persistence.models import Document, LifecycleJob
from app.persistence.webhooks import WebhookDelivery


class Stats:
    def __init__(self, session: Session) -> None:
        self.session = session

    def documents(self) -> dict[tuple[str, ...], int]:
        """Documents by (status, reason); reason is "" where there is none, and only the
        code of a reason that carries detail (`timed_out: ...` counts as `timed_out`)."""
        rows = self.session.execute(
            sa.select(Document.status, Document.reason, sa.func.count()).group_by(
                Document.status, Document.reason
            )
        )
        counts: dict[tuple[str, ...], int] = {}
        for status, reason, count in rows:
            key = (str(status), (reason or "").split(":", 1)[0])
            counts[key] = counts.get(key, 0) + count
        return counts

    def lifecycle_jobs(self) -> dict[tuple[str, ...], int]:
        """Lifecycle jobs by (action, status)."""
        rows = self.session.execute(
            sa.select(LifecycleJob.action, LifecycleJob.status, sa.func.count()).group_by(
                LifecycleJob.action, LifecycleJob.status
            )
        )
        return {(action, status): count for action, status, count in rows}

    def webhook_deliveries(self) -> dict[str, int]:
        rows = self.session.execute(
            sa.select(WebhookDelivery.status, sa.func.count()).group_by(WebhookDelivery.status)
        )
        return {str(status): int(count) for status, count in rows}
