"""`dossier serve --state` takes only a directory a kept demo left, and then points every
setting at it, whatever the environment said."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from app.cli.serve import address_mail_links, use_state
from app.config import get_settings
from app.demo.main import demo_environment


@pytest.fixture
def restored_environment() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


def test_a_directory_without_a_database_is_refused(
    tmp_path: Path, restored_environment: None
) -> None:
    with pytest.raises(typer.Exit):
        use_state(tmp_path)
    assert (
        "DOSSIER_DATABASE_URL" not in os.environ
        or str(tmp_path) not in os.environ["DOSSIER_DATABASE_URL"]
    )


def test_a_kept_state_is_served_with_its_own_settings(
    tmp_path: Path, restored_environment: None
) -> None:
    (tmp_path / "dossier.db").touch()
    os.environ["DOSSIER_DATABASE_URL"] = "postgresql+psycopg://somewhere/else"
    use_state(tmp_path)
    settings = get_settings()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'dossier.db'}"
    assert settings.storage_dir == tmp_path.resolve() / "blobs"
    assert settings.embedded_dir == tmp_path.resolve() / "embedded"
    assert demo_environment(tmp_path.resolve())["DOSSIER_BROKER_URL"] == "embedded"


def test_mailed_links_lead_to_the_port_served(restored_environment: None) -> None:
    os.environ.pop("DOSSIER_PUBLIC_URL", None)
    get_settings.cache_clear()
    address_mail_links("0.0.0.0", 8123)
    assert get_settings().public_url == "http://127.0.0.1:8123"


def test_a_public_url_set_by_the_operator_is_kept(restored_environment: None) -> None:
    os.environ["DOSSIER_PUBLIC_URL"] = "https://dossier.example.org"
    get_settings.cache_clear()
    address_mail_links("127.0.0.1", 8123)
    assert get_settings().public_url == "https://dossier.example.org"
