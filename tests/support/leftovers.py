"""A pytest plugin: the test run leaves no process running behind it.

Each run puts a marker of its own into the environment that every process it starts
inherits (workers, beat, `dossier serve`, the embedded broker's supervisor and
redis-server, even once they are reparented to init). A process belongs to the run if it
carries the marker, descends from one that does (a program may overwrite its environment,
as a new process title does), or works in the run's temporary directory (as a daemonised
redis-server does). When the run ends, any such process still alive is reported, killed,
and fails the run. Processes of other runs and other people on the machine match none of
these."""

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
_SCOPE = pytest.StashKey["Scope"]()


@dataclass(frozen=True)
class Leftover:
    pid: int
    command: str


@dataclass(frozen=True)
class _Process:
    parent: int
    command: str
    markers: tuple[str, ...]
    cwd: str


@dataclass(frozen=True)
class Scope:
    """The processes of one test run, or of one test: `marker` and `directory`."""

    marker: str
    directory: Path | None = None

    @classmethod
    def new(cls, directory: Path | None = None, prefix: str = "run") -> Scope:
        return cls(f"{prefix}-{uuid.uuid4().hex[:16]}", directory)

    def environment(self) -> str:
        """The marker variable's value for processes of this scope (an enclosing run's
        marker kept beside it, so they belong to both)."""
        return " ".join(filter(None, [os.environ.get(MARKER_VARIABLE), self.marker]))

    def processes(self) -> list[Leftover]:
        """Live processes of this scope, other than this one."""
        table = _process_table()
        ours = {pid for pid, process in table.items() if self._claims(process)}
        found = []
        for pid, process in table.items():
            ancestor = pid
            while ancestor in table and ancestor not in ours:
                ancestor = table[ancestor].parent
            if ancestor in ours and pid != os.getpid():
                found.append(Leftover(pid, process.command))
        return found

    def wait_until_none(self, timeout: float = SETTLE_SECONDS) -> list[Leftover]:
        """The processes still alive after up to `timeout` seconds (none, if all ended)."""
        deadline = time.monotonic() + timeout
        while True:
            left = self.processes()
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.2)

    def kill(self) -> None:
        kill(self.processes())

    def _claims(self, process: _Process) -> bool:
        if self.marker in process.markers:
            return True
        if self.directory is None or not process.cwd:
            return False
        return Path(process.cwd).is_relative_to(self.directory)


def kill(leftovers: list[Leftover]) -> None:
    for leftover in leftovers:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(leftover.pid, signal.SIGKILL)


def _process_table() -> dict[int, _Process]:
    """Every live process whose details we may read."""
    needle = f"{MARKER_VARIABLE}=".encode()
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environ = (entry / "environ").read_bytes().split(b"\0")
            cwd = os.readlink(entry / "cwd").removesuffix(" (deleted)")
        except OSError:
            continue  # gone, or someone else's
        if state in ("Z", "X"):
            continue
        values = [item[len(needle) :].decode() for item in environ if item.startswith(needle)]
        markers = tuple(" ".join(values).split())
        table[int(entry.name)] = _Process(int(parent), command.strip(), markers, cwd)
    return table


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "leftover_settle_seconds",
        "How long processes a run started may take to end once it is over.",
        default=str(SETTLE_SECONDS),
    )


def pytest_configure(config: pytest.Config) -> None:
    scope = Scope.new()
    os.environ[MARKER_VARIABLE] = scope.environment()
    config.stash[_SCOPE] = scope


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Runs after every fixture, session-scoped ones included, has been torn down.
    scope = session.config.stash[_SCOPE]
    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = getattr(factory, "_basetemp", None)
    settle = float(session.config.getini("leftover_settle_seconds"))
    left = Scope(scope.marker, basetemp).wait_until_none(settle)
    if not left:
        return
    kill(left)
    lines = [f"{len(left)} process(es) this test run started were still running:"]
    lines += [f"  pid {leftover.pid}: {leftover.command}" for leftover in left]
    lines.append("killed now; the fixture or code that started them must stop them")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "processes left running", red=True)
        for line in lines:
            reporter.write_line(line, red=True)
    else:
        print("\n".join(lines))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
