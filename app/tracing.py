"""OpenTelemetry traces of the HTTP requests, the Celery tasks (a request's trace goes on
into the tasks it sent) and the SQL they run. Off unless an endpoint is configured
(`DOSSIER_OTEL_ENDPOINT` or OpenTelemetry's own `OTEL_EXPORTER_OTLP_ENDPOINT`), and then
it needs the `otel` extra (`pip install 'dossier[otel]'`): Dossier runs without it."""

from __future__ import annotations

import os
from typing import Any

from app.config import Settings

EXTRA_MISSING = (
    "Tracing is configured ({setting}) but OpenTelemetry is not installed: "
    "install Dossier with its 'otel' extra (pip install 'dossier[otel]'), or unset {setting}."
)


def endpoint_setting(settings: Settings) -> str | None:
    """The name of the setting that turns tracing on, or None when it is off."""
    if settings.otel_endpoint:
        return "DOSSIER_OTEL_ENDPOINT"
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return "OTEL_EXPORTER_OTLP_ENDPOINT"
    return None


def start(settings: Settings, service: str, exporter: Any = None) -> bool:
    """Send this process's spans (as `service`, unless OTEL_SERVICE_NAME says otherwise)
    to the configured endpoint, or to `exporter` (tests). False when tracing is off."""
    setting = endpoint_setting(settings)
    if setting is None and exporter is None:
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    except ImportError:
        raise SystemExit(EXTRA_MISSING.format(setting=setting)) from None
    name = os.environ.get("OTEL_SERVICE_NAME", service)
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        provider.add_span_processor(BatchSpanProcessor(_otlp_exporter(settings)))
    trace.set_tracer_provider(provider)
    return True


def _otlp_exporter(settings: Settings) -> Any:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    if settings.otel_endpoint:
        return OTLPSpanExporter(endpoint=settings.otel_endpoint.rstrip("/") + "/v1/traces")
    return OTLPSpanExporter()  # OTEL_EXPORTER_OTLP_ENDPOINT, read by the exporter itself


def instrument_web(app: Any, engine: Any) -> None:
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app)
    instrument_database(engine)


def instrument_database(engine: Any) -> None:
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # Its declared range stops before SQLAlchemy 2.1, whose engine events it uses unchanged.
    SQLAlchemyInstrumentor().instrument(engine=engine, skip_dep_check=True)


def instrument_celery() -> None:
    """In each worker process (after the fork) and in every process that sends tasks."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor

    factory: Any = CeleryInstrumentor  # untyped, and absent without the extra
    instrumentor = factory()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()
