"""Probes for the orchestrator: up (the process answers) and ready (it can do work)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.api.deps import ApiContext, Context
from app.api.schemas import HealthOut

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def healthz() -> HealthOut:
    return HealthOut(status="ok")


def _database(ctx: ApiContext) -> str:
    try:
        with ctx.runtime.db.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        log.exception("readiness: the database cannot be reached")
        return "unreachable"
    return "ok"


def _broker(ctx: ApiContext) -> str:
    try:
        ctx.broker_check()
    except Exception:
        log.exception("readiness: the broker cannot be reached")
        return "unreachable"
    return "ok"


@router.get(
    "/readyz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "A dependency is unreachable."}},
)
async def readyz(ctx: Context) -> JSONResponse:
    database = await run_in_threadpool(_database, ctx)
    broker = await run_in_threadpool(_broker, ctx)
    ready = database == broker == "ok"
    body = HealthOut(status="ready" if ready else "unavailable", database=database, broker=broker)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
