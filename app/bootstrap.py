"""Wiring: one place that turns Settings into engines, stores and units of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.domain.model import LifecyclePolicy
from app.extraction import Engine as ExtractionEngine
from app.extraction import load_engine
from app.persistence.db import make_engine, make_session_factory
from app.persistence.uow import UnitOfWork
from app.services.messages import Dispatcher
from app.storage import BlobStore, make_blob_store


@dataclass
class Runtime:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    dispatcher: Dispatcher
    _extractor: ExtractionEngine | None = field(default=None, repr=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(
            self.sessions,
            self.dispatcher,
            policy=lifecycle_policy(self.settings),
            webhook_urls=self.settings.webhook_urls,
        )

    @property
    def extractor(self) -> ExtractionEngine:
        # Loaded once per process, on first use: engines may hold large models.
        if self._extractor is None:
            self._extractor = load_engine(self.settings.extraction_engine)
        return self._extractor

    def close(self) -> None:
        self.db.dispose()


def lifecycle_policy(settings: Settings) -> LifecyclePolicy:
    return LifecyclePolicy(
        reactivation_cooldown=timedelta(days=settings.reactivation_cooldown_days),
        deletion_grace=timedelta(days=settings.deletion_grace_days),
    )


def build_runtime(settings: Settings, dispatcher: Dispatcher) -> Runtime:
    db = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    return Runtime(
        settings=settings,
        db=db,
        sessions=make_session_factory(db),
        blobs=make_blob_store(settings),
        dispatcher=dispatcher,
    )
