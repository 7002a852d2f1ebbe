"""One Settings object: read from DOSSIER_* variables, and refusing limits that would
make the pipeline lose or duplicate work."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from app.config import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("DOSSIER_"):
            monkeypatch.delenv(name)


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_the_defaults_are_consistent() -> None:
    defaults = settings()

    assert defaults.extraction_time_limit_seconds < defaults.broker_visibility_timeout_seconds
    assert defaults.sweep_stale_after_seconds > defaults.extraction_time_limit_seconds
    assert defaults.is_sqlite


@pytest.mark.parametrize("time_limit", [3600, 4000])
def test_time_limit_must_be_below_the_visibility_timeout(time_limit: int) -> None:
    with pytest.raises(ValidationError) as raised:
        settings(
            extraction_time_limit_seconds=time_limit,
            broker_visibility_timeout_seconds=3600,
            sweep_stale_after_seconds=5000,
        )

    message = str(raised.value)
    assert "DOSSIER_EXTRACTION_TIME_LIMIT_SECONDS must be below" in message
    assert "DOSSIER_BROKER_VISIBILITY_TIMEOUT_SECONDS" in message


@pytest.mark.parametrize("stale_after", [300, 100])
def test_stale_threshold_must_exceed_the_time_limit(stale_after: int) -> None:
    with pytest.raises(ValidationError) as raised:
        settings(extraction_time_limit_seconds=300, sweep_stale_after_seconds=stale_after)

    message = str(raised.value)
    assert "DOSSIER_SWEEP_STALE_AFTER_SECONDS must exceed" in message
    assert "DOSSIER_EXTRACTION_TIME_LIMIT_SECONDS" in message


def test_limits_just_inside_the_bounds_are_accepted() -> None:
    accepted = settings(
        extraction_time_limit_seconds=59,
        broker_visibility_timeout_seconds=60,
        sweep_stale_after_seconds=60,
    )

    assert accepted.extraction_time_limit_seconds == 59


def test_the_check_applies_to_values_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOSSIER_BROKER_VISIBILITY_TIMEOUT_SECONDS", "120")

    with pytest.raises(ValidationError, match="VISIBILITY_TIMEOUT"):
        settings()


def test_values_come_from_dossier_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_DATABASE_URL", "postgresql+psycopg://localhost/dossier")
    monkeypatch.setenv("DOSSIER_MAX_UPLOAD_BYTES", "1024")
    monkeypatch.setenv("DOSSIER_STORAGE_DIR", "/srv/blobs")

    loaded = settings()

    assert loaded.database_url == "postgresql+psycopg://localhost/dossier"
    assert not loaded.is_sqlite
    assert loaded.max_upload_bytes == 1024
    assert str(loaded.storage_dir) == "/srv/blobs"


@pytest.mark.parametrize(
    "field", ["max_upload_bytes", "extraction_time_limit_seconds", "delete_batch_size"]
)
def test_limits_must_be_positive(field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        settings(**{field: 0})
