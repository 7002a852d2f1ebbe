"""Telling a live process from a dead one whose PID was given to another, and children
that die with the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from app import processes

GRANDPARENT = """
import subprocess, sys
from app import processes
child = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(600)"],
    preexec_fn=processes.die_with_parent(),
)
print(child.pid, flush=True)
child.wait()
"""


def test_this_process_is_alive() -> None:
    assert processes.is_alive(os.getpid(), processes.own_start_time())


def test_a_pid_that_started_at_another_time_is_another_process() -> None:
    started = processes.own_start_time()

    assert not processes.is_alive(os.getpid(), str(int(started) + 1))


def test_an_ended_process_is_not_alive() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    started = processes.start_time(child.pid)
    child.wait()

    assert started is not None
    assert processes.start_time(child.pid) is None
    assert not processes.is_alive(child.pid, started)


@pytest.mark.skipif(processes.die_with_parent() is None, reason="Linux only")
def test_a_child_dies_with_its_sigkilled_parent() -> None:
    parent = subprocess.Popen([sys.executable, "-c", GRANDPARENT], stdout=subprocess.PIPE)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert processes.start_time(child) is not None

    parent.send_signal(signal.SIGKILL)
    parent.wait()

    deadline = time.monotonic() + 30
    while processes.start_time(child) is not None:
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.05)
