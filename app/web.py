"""The web process: `uvicorn app.web:web_app --factory` (the API and the console it mounts)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import redis
from fastapi import FastAPI

from app import console, logs, tracing
from app.api import (
    audit,
    bulk,
    consent,
    documents,
    errors,
    exports,
    files,
    health,
    lifecycle,
    metrics,
    people,
    practice_webhooks,
    retention,
    retries,
    schedules,
)
from app.api.deps import ApiContext
from app.api.headers import MethodsAllowed, SecurityHeaders
from app.api.limits import BodyLimit
from app.api.ratelimit import Limiter, NoLimits, PracticeUploads, RedisLimiter
from app.api.request_ids import RequestIds
from app.bootstrap import Runtime, build_runtime
from app.config import Settings, get_settings
from app.services.admission import RateCounter

DESCRIPTION = """Upload receipts and invoices into client files and manage the files'
lifecycle. Authenticate with `Authorization: Bearer <token>` (`dossier admin token`).
Errors are `{"error": {"code", "message", ...ids}}`."""


def create_app(
    runtime: Runtime,
    *,
    broker_check: Callable[[], None],
    rate_counter: RateCounter | None = None,
    limiter: Limiter | None = None,
    queue_depths: Callable[[], dict[str, int]] | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        runtime.close()

    app = FastAPI(title="Dossier", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.context = ApiContext(
        runtime, broker_check, rate_counter, limiter or NoLimits(), queue_depths
    )
    errors.install(app)
    app.add_middleware(BodyLimit)
    # OPTIONS/405 list every method; every answer gets the security headers.
    app.add_middleware(MethodsAllowed)
    app.add_middleware(SecurityHeaders)
    # Outermost: every log line of the request, errors included, carries its id.
    app.add_middleware(RequestIds)
    for module in (
        health,
        metrics,
        files,
        documents,
        retries,
        lifecycle,
        consent,
        schedules,
        retention,
        bulk,
        exports,
        people,
        audit,
        practice_webhooks,
    ):
        app.include_router(module.router)
    console.install(app)
    return app


def redis_check(url: str) -> Callable[[], None]:
    def check() -> None:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()

    return check


def production_app(settings: Settings) -> FastAPI:
    logs.configure(settings.log_format)
    # Only the producer side of Celery is needed here: tasks are sent by name.
    from worker.celery_app import broker_url, create_celery
    from worker.depths import queue_depths
    from worker.dispatch import celery_dispatcher

    celery = create_celery(settings)
    broker = broker_url(settings)
    runtime = build_runtime(settings, celery_dispatcher(celery, settings, broker))
    limiter = RedisLimiter.from_uri(
        settings.rate_limit_storage_url or broker,
        key_prefix=f"{settings.broker_key_prefix}dossier-limits",
        failed_auth=settings.rate_limit_failed_auth,
        uploads=settings.rate_limit_uploads,
        sign_in_links=settings.rate_limit_sign_in_links,
    )
    # Every limit in one `limits` storage: the edge's, and a practice's own upload rate.
    counter = PracticeUploads(limiter.storage) if settings.upload_rate_per_minute else None
    queues = redis.Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2)
    app = create_app(
        runtime,
        broker_check=redis_check(broker),
        rate_counter=counter,
        limiter=limiter,
        queue_depths=lambda: queue_depths(queues, settings.broker_key_prefix),
    )
    if tracing.start(settings, "dossier-web"):
        tracing.instrument_celery()
        tracing.instrument_web(app, runtime.db)
    return app


def web_app() -> FastAPI:
    return production_app(get_settings())
