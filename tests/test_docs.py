"""The README documents what exists: every setting and every public task name."""

from __future__ import annotations

from pathlib import Path

from app.config import Settings
from app.services import messages

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [
        f"DOSSIER_{name.upper()}"
        for name in Settings.model_fields
        if f"`DOSSIER_{name.upper()}`" not in README
    ]
    assert missing == []


def test_every_public_task_is_documented() -> None:
    names = [value for key, value in vars(messages).items() if key.isupper()]
    assert names, "messages.py should name the public tasks"
    assert [name for name in names if f"`{name}`" not in README] == []


def test_the_readme_names_exactly_the_two_setup_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick_start
    assert "make test" in quick_start


def test_the_time_limit_documented_is_the_one_that_acts() -> None:
    from app.services import messages
    from worker.celery_app import celery_config

    settings = Settings(_env_file=None, broker_url="redis://unused:6379/0")  # type: ignore[call-arg]
    config = celery_config(settings)
    row = next(
        line for line in README.splitlines() if "`DOSSIER_EXTRACTION_TIME_LIMIT_SECONDS`" in line
    )

    extract_limits = config["task_annotations"][messages.EXTRACT]
    soft = settings.extraction_time_limit_seconds - extract_limits["soft_time_limit"]
    assert config["task_time_limit"] == settings.extraction_time_limit_seconds
    assert "hard limit" in row
    assert f"soft limit, {soft} s earlier" in row
