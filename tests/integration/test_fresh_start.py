"""Every process starts from a fresh clone with only its environment: beat in an empty
directory creates what it needs and runs its sweeps; a directory it cannot create stops
it with one line naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app.local import stop
from app.persistence.models import Document, utcnow
from tests.integration.conftest import Practice, Stack
from tests.integration.test_pipeline import upload


def beat_command() -> list[str]:
    # As the Procfile starts it: no --schedule, so the schedule file goes where the
    # settings say (DOSSIER_EMBEDDED_DIR, by default `var` in the working directory).
    return [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel", "INFO"]


def environment(stack: Stack, **overrides: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env = {**inherited, **stack.env, **overrides}
    env.pop("DOSSIER_EMBEDDED_DIR")  # a fresh clone: the default, relative and absent
    return env


def test_beat_started_in_an_empty_directory_runs_a_sweep(
    stack: Stack, practice: Practice, tmp_path: Path
) -> None:
    # GIVEN a document whose gate message was lost an hour ago
    document_id = upload(stack, practice, "Receipt whose message was lost\n")
    an_hour_ago = utcnow() - timedelta(hours=1)
    with stack.runtime.sessions() as session:
        session.execute(
            sa.update(Document).where(Document.id == document_id).values(updated_at=an_hour_ago)
        )
        session.commit()
    # AND a worker for maintenance only (the re-sent gate stays queued, so the touch of
    # the document is the sweep's own doing)
    stack.start_worker("w1", queues="maintenance")

    # WHEN beat starts in an empty directory, the broker a real Redis
    fresh_clone = tmp_path / "fresh-clone"
    fresh_clone.mkdir()
    with open(tmp_path / "beat.log", "ab") as log:
        beat = subprocess.Popen(
            beat_command(),
            cwd=fresh_clone,
            env=environment(stack, DOSSIER_SWEEP_INTERVAL_SECONDS="1"),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # THEN it runs: a sweep re-sends the lost document (and touches it)
        def swept() -> bool:
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            document = stack.document(document_id)
            return document is not None and document.updated_at > an_hour_ago

        stack.wait_for("a sweep sent by beat", swept)
    finally:
        stop(beat)
    assert list((fresh_clone / "var").glob("celerybeat-schedule*"))


def test_beat_that_cannot_create_its_directory_says_which_setting(
    stack: Stack, tmp_path: Path
) -> None:
    # GIVEN an embedded dir below a plain file: no one can create it, not even root
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = environment(stack)
    env["DOSSIER_EMBEDDED_DIR"] = str(blocker / "var")

    # WHEN beat starts
    finished = subprocess.run(
        beat_command(), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )

    # THEN it stops at once with one line that names the setting, not a traceback
    output = finished.stdout + finished.stderr
    assert finished.returncode != 0, output
    assert "Traceback" not in output
    last = output.strip().splitlines()[-1]
    assert "DOSSIER_EMBEDDED_DIR" in last, output
    assert str(blocker / "var") in last, output
