"""A process on a fresh clone creates the directories its settings name, or stops with
one line naming the setting that points where nothing can be created."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bootstrap import build_runtime
from app.config import Settings, ensure_directory
from tests.services.conftest import FakeDispatcher


def settings(tmp_path: Path, **values: object) -> Settings:
    defaults: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'not' / 'yet' / 'dossier.db'}",
        "storage_dir": tmp_path / "no" / "blobs" / "yet",
    }
    return Settings(_env_file=None, **{**defaults, **values})  # type: ignore[arg-type]


def test_the_database_and_blob_directories_are_created(tmp_path: Path) -> None:
    runtime = build_runtime(settings(tmp_path), FakeDispatcher())
    try:
        with runtime.db.connect():
            pass
    finally:
        runtime.close()
    assert (tmp_path / "not" / "yet").is_dir()
    assert (tmp_path / "no" / "blobs" / "yet").is_dir()


def test_a_directory_that_cannot_be_created_names_its_setting(tmp_path: Path) -> None:
    # Below a plain file no directory can be made, whoever runs the test.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    with pytest.raises(SystemExit) as stopped:
        build_runtime(settings(tmp_path, storage_dir=blocker / "blobs"), FakeDispatcher())

    message = str(stopped.value)
    assert "DOSSIER_STORAGE_DIR" in message
    assert str(blocker / "blobs") in message
    assert "\n" not in message


def test_the_database_directory_names_the_database_url(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    url = f"sqlite:///{blocker / 'dossier.db'}"

    with pytest.raises(SystemExit, match="DOSSIER_DATABASE_URL"):
        build_runtime(settings(tmp_path, database_url=url), FakeDispatcher())


def test_an_existing_directory_is_left_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("kept")
    assert ensure_directory(tmp_path, "DOSSIER_STORAGE_DIR") == tmp_path
    assert (tmp_path / "kept.txt").read_text() == "kept"
