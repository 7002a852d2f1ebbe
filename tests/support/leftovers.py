"""A pytest plugin: the test run leaves no process running behind it.

Each run puts a marker of its own into the environment every process it starts inherits
(workers, beat, `dossier serve`, the embedded broker's supervisor and redis-server, even
once they are reparented to init). When the run ends, any process still carrying the
marker is reported, killed, and fails the run. Processes of other runs and other people on
the machine never carry it."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

MARKER_VARIABLE = "DOSSIER_TEST_RUN"
SETTLE_SECONDS = 20.0  # fixtures stop what they started; the broker follows within ~2 s
_MARKER = pytest.StashKey[str]()


@dataclass(frozen=True)
class Leftover:
    pid: int
    command: str


def mark_environment() -> str:
    """Add a fresh marker to this process's environment (kept beside an enclosing run's)."""
    marker = f"run-{uuid.uuid4().hex[:16]}"
    os.environ[MARKER_VARIABLE] = " ".join(filter(None, [os.environ.get(MARKER_VARIABLE), marker]))
    return marker


def marked_processes(marker: str) -> list[Leftover]:
    """Live processes, other than this one, whose environment carries `marker`, and their
    descendants (a program may overwrite its environment, as a process title does)."""
    table = _process_table()
    marked = {pid for pid, (_, _, carries) in table.items() if marker in carries}
    found = []
    for pid, (_, command, _) in table.items():
        ancestor = pid
        while ancestor in table and ancestor not in marked:
            ancestor = table[ancestor][0]
        if ancestor in marked and pid != os.getpid():
            found.append(Leftover(pid, command))
    return found


def _process_table() -> dict[int, tuple[int, str, list[str]]]:
    """pid: (parent pid, command line, markers) of every live process we may read."""
    needle = f"{MARKER_VARIABLE}=".encode()
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue  # gone, or someone else's
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if state in ("Z", "X"):
            continue
        markers = [item[len(needle) :].decode() for item in environ if item.startswith(needle)]
        table[int(entry.name)] = (int(parent), command.strip(), " ".join(markers).split())
    return table


def wait_until_none(marker: str, timeout: float = SETTLE_SECONDS) -> list[Leftover]:
    """The processes still marked after up to `timeout` seconds (none, if all ended)."""
    deadline = time.monotonic() + timeout
    while True:
        left = marked_processes(marker)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.2)


def kill(leftovers: list[Leftover]) -> None:
    for leftover in leftovers:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(leftover.pid, signal.SIGKILL)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_MARKER] = mark_environment()


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Runs after every fixture, session-scoped ones included, has been torn down.
    left = wait_until_none(session.config.stash[_MARKER])
    if not left:
        return
    kill(left)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(left)} process(es) this test run started were still running:"]
    lines += [f"  pid {leftover.pid}: {leftover.command}" for leftover in left]
    lines.append("killed now; the fixture or code that started them must stop them")
    if reporter is not None:
        reporter.write_sep("=", "processes left running", red=True)
        for line in lines:
            reporter.write_line(line, red=True)
    else:
        print("\n".join(lines))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
