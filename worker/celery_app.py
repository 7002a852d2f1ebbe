"""The Celery application: queues, routes, limits and the beat schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery
from celery.beat import PersistentScheduler
from kombu import Queue

from app import embedded
from app.config import EMBEDDED, Settings, ensure_directory
from app.services import messages

EMBEDDED_DIR = "DOSSIER_EMBEDDED_DIR"

QUEUES = ("gate", "extraction", "lifecycle", "maintenance")

ROUTES = {
    messages.GATE: {"queue": "gate"},
    messages.GATE_PENDING: {"queue": "gate"},
    messages.EXTRACT: {"queue": "extraction"},
    # Short database work, like the gate it leads to.
    messages.INGEST: {"queue": "gate"},
    # Quick jobs like lifecycle changes, and serialised with them on the file's lock.
    messages.RETRY: {"queue": "lifecycle"},
    messages.RESEND: {"queue": "lifecycle"},
    "dossier.lifecycle.*": {"queue": "lifecycle"},
    "dossier.maintenance.*": {"queue": "maintenance"},
}


def broker_url(settings: Settings) -> str:
    if settings.broker_url == EMBEDDED:
        return embedded.ensure_running(ensure_directory(settings.embedded_dir, EMBEDDED_DIR))
    return settings.broker_url


def create_celery(settings: Settings) -> Celery:
    celery = Celery("dossier")
    celery.conf.update(celery_config(settings))
    return celery


def celery_config(settings: Settings) -> dict[str, Any]:
    transport: dict[str, Any] = {"visibility_timeout": settings.broker_visibility_timeout_seconds}
    if settings.broker_restore_interval_seconds is not None:
        # Scan on every tick: the interval alone then sets how soon they come back.
        transport["unacked_restore_interval"] = settings.broker_restore_interval_seconds
        transport["unacked_restore_throttle"] = 1
    if settings.broker_key_prefix:
        transport["global_keyprefix"] = settings.broker_key_prefix
    return {
        "broker_url": broker_url(settings),
        "broker_transport_options": transport,
        "broker_connection_retry_on_startup": True,
        # JSON only: callers in other services send plain payloads, and nothing unpickles.
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        # The database holds every outcome; results in Redis would only pile up.
        "task_ignore_result": True,
        "task_queues": [Queue(name) for name in QUEUES],
        "task_default_queue": "gate",
        "task_routes": ROUTES,
        # A message is acknowledged only once its work is done, and requeued if the
        # worker dies under it: at-least-once delivery, made safe by idempotent tasks.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        # Task events (sent, received, started, succeeded, ...) for Flower and
        # celery-exporter: one small publish per state change.
        "worker_send_task_events": settings.task_events,
        "task_send_sent_event": settings.task_events,
        "task_time_limit": settings.extraction_time_limit_seconds,
        # The soft limit ends an extraction as a failed document; on a gate decision or a
        # lifecycle change it could only interrupt the sending of committed work, so
        # those have the hard limit alone.
        "task_annotations": {
            messages.EXTRACT: {
                "soft_time_limit": max(1, settings.extraction_time_limit_seconds - 15)
            }
        },
        "beat_schedule": {
            "sweep": {
                "task": messages.SWEEP,
                "schedule": settings.sweep_interval_seconds,
                "options": {"expires": settings.sweep_interval_seconds},
            },
            "run-due-actions": {
                "task": messages.RUN_DUE_ACTIONS,
                "schedule": settings.schedule_interval_seconds,
                "options": {"expires": settings.schedule_interval_seconds},
            },
            "deliver-webhooks": {
                "task": messages.DELIVER_WEBHOOKS,
                "schedule": settings.schedule_interval_seconds,
                "options": {"expires": settings.schedule_interval_seconds},
            },
            # Invitations and notices leave the outbox (nothing without an SMTP server).
            "send-mail": {
                "task": messages.SEND_MAIL,
                "schedule": settings.mail_interval_seconds,
                "options": {"expires": settings.mail_interval_seconds},
            },
            # Exports past DOSSIER_EXPORT_TTL_HOURS lose their zip.
            "expire-exports": {
                "task": messages.EXPIRE_EXPORTS,
                "schedule": settings.sweep_interval_seconds,
                "options": {"expires": settings.sweep_interval_seconds},
            },
            # Idempotency keys past DOSSIER_IDEMPOTENCY_RETENTION_HOURS, and incoming blobs
            # older than DOSSIER_INGEST_INCOMING_MAX_AGE_HOURS that no task claimed.
            "expire-idempotency-keys": {
                "task": messages.EXPIRE_IDEMPOTENCY_KEYS,
                "schedule": settings.sweep_interval_seconds,
                "options": {"expires": settings.sweep_interval_seconds},
            },
            "clean-incoming": {
                "task": messages.CLEAN_INCOMING,
                "schedule": settings.sweep_interval_seconds,
                "options": {"expires": settings.sweep_interval_seconds},
            },
        },
        "beat_schedule_filename": str(settings.embedded_dir / "celerybeat-schedule"),
        "beat_scheduler": "worker.celery_app:Scheduler",
    }


class Scheduler(PersistentScheduler):
    """Beat's usual scheduler, which first creates the directory of its schedule file:
    DOSSIER_EMBEDDED_DIR (or beat's --schedule), which a fresh clone does not have."""

    schedule_filename: str  # set by PersistentScheduler.__init__

    def setup_schedule(self) -> None:
        ensure_directory(Path(self.schedule_filename).parent, f"{EMBEDDED_DIR} (or --schedule)")
        super().setup_schedule()
