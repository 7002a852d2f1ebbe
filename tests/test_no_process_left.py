"""The suite's own guard: a test run that leaves a process running fails, names the
process and kills it; a run that stops what it starts passes. Each case runs a small
pytest session in a subprocess with the guard (tests/support/leftovers.py) loaded."""

from __future__ import annotations

import os
import re

import pytest

from app import processes
from tests.support.leftovers import MARKER_VARIABLE

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LEAKS = """
import subprocess, sys

def test_starts_a_process_and_forgets_it():
    # Its own session: as a daemon, it would outlive this test run's process group.
    subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)  # left-behind-by-the-test"],
        start_new_session=True,
    )
"""

CLEANS_UP = """
import subprocess, sys

def test_starts_a_process_and_stops_it():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    process.kill()
    process.wait()
"""


@pytest.fixture
def inner_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([REPO_ROOT, os.environ.get("PYTHONPATH", "")]))
    pytester.makeconftest('pytest_plugins = ["tests.support.leftovers"]')
    pytester.makeini("[pytest]\nleftover_settle_seconds = 1\n")
    return pytester


def test_a_run_that_leaves_a_process_running_fails_and_kills_it(inner_run: pytest.Pytester) -> None:
    inner_run.makepyfile(test_leaks=LEAKS)

    result = inner_run.runpytest_subprocess()

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "processes left running" in output
    assert "left-behind-by-the-test" in output
    pid = int(re.findall(r"pid (\d+): .*left-behind-by-the-test", output)[0])
    assert processes.start_time(pid) is None, "the guard did not kill what was left"


def test_a_run_that_stops_what_it_starts_passes(inner_run: pytest.Pytester) -> None:
    inner_run.makepyfile(test_cleans_up=CLEANS_UP)

    result = inner_run.runpytest_subprocess()

    assert result.ret == pytest.ExitCode.OK
    assert "processes left running" not in result.stdout.str()


def test_this_run_marks_the_processes_it_starts() -> None:
    assert os.environ.get(MARKER_VARIABLE), "the guard is not loaded for the suite"
