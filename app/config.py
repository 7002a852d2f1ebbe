"""The one configuration object, read by the web process, the worker and beat."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EMBEDDED = "embedded"

DEFAULT_CONTENT_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "text/plain",
    "application/xml",  # e-invoices only: CII and UBL roots (app/domain/filetypes.py)
)


class Settings(BaseSettings):
    """Every knob, from `DOSSIER_*` environment variables (or a `.env` file)."""

    model_config = SettingsConfigDict(env_prefix="DOSSIER_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/dossier.db",
        description="SQLAlchemy URL; PostgreSQL in production (postgresql+psycopg://...).",
    )
    database_pool_size: int = Field(
        default=10,
        ge=1,
        description="PostgreSQL connections each process keeps open between requests; under "
        "a peak up to 10 more are opened and closed again.",
    )
    broker_url: str = Field(
        default=EMBEDDED,
        description="Redis URL of the Celery broker, or 'embedded' for a local redis-server.",
    )
    broker_key_prefix: str = Field(
        default="",
        description="Prefix for every broker key, to share one Redis between deployments.",
    )
    storage_dir: Path = Field(default=Path("var/blobs"), description="Where blobs are kept.")
    storage_s3_bucket: str | None = Field(
        default=None,
        description="Keep blobs in this S3-compatible bucket instead of storage_dir.",
    )
    storage_s3_prefix: str = Field(default="", description="Key prefix inside the bucket.")
    storage_s3_endpoint_url: str | None = Field(
        default=None, description="For S3-compatible stores other than AWS (MinIO, Ceph, ...)."
    )
    embedded_dir: Path = Field(
        default=Path("var"), description="State of the embedded broker (socket, pid, port)."
    )
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    allowed_content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES
    upload_rate_per_minute: int = Field(
        default=0,
        ge=0,
        description="Uploads a practice (or a file without one) may send a minute (0: no limit).",
    )
    upload_quota_documents: int = Field(
        default=0,
        ge=0,
        description="Documents a practice's files (or a file without one) may hold (0: no limit).",
    )
    extraction_engine: str = Field(
        default="app.extraction.engine:InvoiceEngine",
        description="Import path 'module:Class' of the extraction engine.",
    )
    extraction_time_limit_seconds: int = Field(default=300, gt=0)
    extraction_ocr_threads: int = Field(
        default=0,
        ge=0,
        description="Threads of one OCR run (0: one per core). Set cores // worker processes.",
    )
    extraction_ocr_int8: bool = Field(
        default=True,
        description=(
            "Recognise text with an 8-bit copy of the shipped recognition model (made once "
            "into extraction_ocr_model_dir): half the CPU; false keeps the shipped model."
        ),
    )
    extraction_ocr_model_dir: Path = Field(
        default=Path("var/ocr-models"),
        description="Where the 8-bit copy of the OCR recognition model is kept.",
    )
    extraction_ocr_probe_area: int = Field(
        default=250_000,
        ge=0,
        description=(
            "Pixels of the text detector's first, small search of a picture; kept when its "
            "lines are tall enough there (0: search at the full detector size only)."
        ),
    )
    extraction_max_attempts: int = Field(default=3, ge=1)
    broker_visibility_timeout_seconds: int = Field(default=3600, gt=0)
    broker_restore_interval_seconds: int | None = Field(
        default=None,
        gt=0,
        description=(
            "How often workers look for messages a dead worker left unacknowledged "
            "(default: the Redis transport's own, about 100 s)."
        ),
    )
    gate_batch_size: int = Field(
        default=200,
        ge=1,
        description=(
            "Most pending documents of one file a gate decision takes at once "
            "(1: each upload decided alone)."
        ),
    )
    gate_nudge_seconds: int = Field(
        default=30,
        ge=0,
        description=(
            "New uploads share one gate message (a nudge) until a worker takes it up; it "
            "lapses after this long if lost (0: one gate message per upload)."
        ),
    )
    extraction_fair_burst: int = Field(
        default=20,
        ge=0,
        description=(
            "Extractions a practice (or a file without one) sends per minute at the top "
            "priority; beyond that its extractions wait behind other practices' (0: off)."
        ),
    )
    delete_batch_size: int = Field(
        default=2000, gt=0, description="Documents whose rows one deletion transaction removes."
    )
    sweep_interval_seconds: float = Field(default=60.0, gt=0)
    sweep_stale_after_seconds: int = Field(
        default=900,
        gt=0,
        description="A document untouched this long in a non-terminal state is re-enqueued.",
    )
    sweep_batch_size: int = Field(default=1000, gt=0)
    schedule_interval_seconds: float = Field(
        default=60.0, gt=0, description="How often beat runs the scheduled actions that are due."
    )
    # At most ten years: a grace end or cooldown end must stay a time every database keeps.
    reactivation_cooldown_days: float = Field(
        default=0,
        ge=0,
        le=3650,
        description="Minimum time between deactivating and reactivating a file.",
    )
    deletion_grace_days: float = Field(
        default=0,
        ge=0,
        le=3650,
        description="How long a deleted file stays hidden and restorable before its purge.",
    )
    webhook_urls: tuple[str, ...] = Field(
        default=(), description="URLs every lifecycle event is posted to (a JSON list)."
    )
    webhook_secret: str = Field(default="", description="Key of the events' HMAC signature.")
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=60, description="Longest wait for a webhook receiver's answer."
    )
    # People (issue 15): invitations and the mail that carries them.
    invitation_ttl_hours: float = Field(
        default=168, gt=0, le=24 * 366, description="How long an invitation can be accepted."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where people reach this Dossier's API; written in the mail it sends.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server mail is sent through; unset: mail stays in the outbox.",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str = Field(default="", description="SMTP login, if the server asks one.")
    smtp_password: str = Field(default="", description="SMTP password, with the login.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the connection (STARTTLS).")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    mail_from: str = Field(
        default="Dossier <no-reply@dossier.invalid>", description="Sender of Dossier's mail."
    )
    mail_max_attempts: int = Field(
        default=8, ge=1, description="A message still refused after this many tries is given up."
    )
    mail_retry_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Wait before the first retry of a message; it doubles each time, at most 1 h.",
    )
    mail_interval_seconds: float = Field(
        default=15.0, gt=0, description="How often beat runs the mail sender."
    )
    webhook_first_retry_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Wait before a failed webhook is posted again; doubles each time.",
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Let practices' webhooks post to private, loopback and link-local "
        "addresses, and over plain http (development and tests only).",
    )
    token_default_days: float = Field(
        default=90, gt=0, le=3650, description="Lifetime of a personal token made without one."
    )
    token_max_days: float = Field(
        default=366, gt=0, le=3650, description="Longest lifetime a personal token may be given."
    )
    # Hardening (issue 14): exports' lifetime and number, and rate limits.
    export_ttl_hours: float = Field(
        default=168, gt=0, le=24 * 366, description="How long an export stays downloadable."
    )
    export_max_per_file: int = Field(
        default=5, ge=1, description="Most exports a file keeps at once (pending to ready)."
    )
    rate_limit_storage_url: str | None = Field(
        default=None,
        description="Redis URL the rate limits are counted in (default: the broker's Redis).",
    )
    rate_limit_failed_auth: str = Field(
        default="20/minute",
        description="Failed authentications allowed per client address and per token.",
    )
    rate_limit_uploads: str = Field(
        default="600/minute", description="Uploads allowed per token and per client address."
    )
    rate_limit_sign_in_links: str = Field(
        default="5/15 minutes",
        description="Sign-in links the console may mail per e-mail address and per client "
        "address, asked for whether or not the address has an account.",
    )

    # The console (issue 17): its signed session cookie.
    console_secret: str = Field(
        default="",
        description="Key signing the console's session cookies; every web process must share "
        "it. Empty: a random key kept in embedded_dir/console.key (one machine).",
    )
    console_secure_cookies: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only (browsers also accept it from "
        "http://127.0.0.1 and localhost).",
    )
    console_session_hours: float = Field(
        default=12, gt=0, le=24 * 31, description="How long a console sign-in lasts."
    )
    console_sign_in_link_minutes: float = Field(
        default=15,
        gt=0,
        le=24 * 60,
        description="How long a sign-in link mailed by the console can be used (once).",
    )
    idempotency_retention_hours: float = Field(
        default=24,
        gt=0,
        le=24 * 30,
        description="How long the first answer to an Idempotency-Key is given again.",
    )
    ingest_incoming_max_age_hours: float = Field(
        default=24,
        gt=0,
        le=24 * 366,
        description="Blobs under incoming/ that no ingest task claimed are removed after this.",
    )
    # Operations (issue 16): logs, metrics, tracing.
    log_format: Literal["console", "json"] = Field(
        default="console",
        description=(
            "Log lines as key=value for a terminal ('console') or one JSON object per line "
            "for a log pipeline ('json', what the production image uses)."
        ),
    )
    task_events: bool = Field(
        default=True,
        description=(
            "Workers and senders publish task events (sent, received, started, ...) for "
            "Flower and celery-exporter; off saves a broker round trip per task state."
        ),
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description=(
            "Port a Celery worker serves its Prometheus metrics on, summed over its "
            "processes (unset: none; web always serves /metrics)."
        ),
    )
    otel_endpoint: str | None = Field(
        default=None,
        description=(
            "OTLP/HTTP endpoint traces are sent to (needs the 'otel' extra); "
            "OTEL_EXPORTER_OTLP_ENDPOINT works too. Unset: no tracing."
        ),
    )

    @field_validator("rate_limit_failed_auth", "rate_limit_uploads", "rate_limit_sign_in_links")
    @classmethod
    def _is_a_rate(cls, value: str) -> str:
        from limits import parse

        parse(value)  # ValueError unless e.g. "20/minute" or "100 per hour"
        return value

    @model_validator(mode="after")
    def _limits_are_consistent(self) -> Settings:
        # A task that may outlive the visibility timeout is redelivered while it still runs.
        if self.extraction_time_limit_seconds >= self.broker_visibility_timeout_seconds:
            raise ValueError(
                "DOSSIER_EXTRACTION_TIME_LIMIT_SECONDS must be below "
                "DOSSIER_BROKER_VISIBILITY_TIMEOUT_SECONDS"
            )
        # A running extraction must not look stale to the sweeper.
        if self.sweep_stale_after_seconds <= self.extraction_time_limit_seconds:
            raise ValueError(
                "DOSSIER_SWEEP_STALE_AFTER_SECONDS must exceed "
                "DOSSIER_EXTRACTION_TIME_LIMIT_SECONDS"
            )
        if any(not url.lower().startswith(("http://", "https://")) for url in self.webhook_urls):
            raise ValueError("DOSSIER_WEBHOOK_URLS must be http:// or https:// URLs")
        if self.token_default_days > self.token_max_days:
            raise ValueError("DOSSIER_TOKEN_DEFAULT_DAYS must not exceed DOSSIER_TOKEN_MAX_DAYS")
        if self.webhook_urls and not self.webhook_secret:
            raise ValueError("DOSSIER_WEBHOOK_URLS needs DOSSIER_WEBHOOK_SECRET to sign events")
        return self

    @property
    def long_task_time_limit_seconds(self) -> int:
        """For deletions: as long as possible, yet over before the broker would hand the
        message to another worker."""
        return max(2, int(self.broker_visibility_timeout_seconds * 0.9))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def ensure_directory(path: Path, setting: str) -> Path:
    """Create a directory a process needs (a fresh clone has none), or stop the process
    with one line that names the setting to change."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SystemExit(
            f"Dossier cannot create the directory {path} ({error.strerror or error}); "
            f"set {setting} to a directory it may write to."
        ) from None
    return path


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
