"""What Dossier needs to know about other local processes: whether one is still the process
it was (a PID alone may have been reused), and how a child is made to die with its parent."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

_libc: ctypes.CDLL | None = None
if PROC.joinpath("self", "stat").exists():
    # Loaded before any fork: a child between fork and exec must not load libraries.
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def start_time(pid: int) -> str | None:
    """When `pid` started (clock ticks since boot), or None if there is no live process.

    A PID and its start time together name one process: the PID of a dead process may be
    given to another, but not with the same start time."""
    stat = PROC / str(pid) / "stat"
    try:
        text = stat.read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return _without_proc(pid)
    # The command name, in parentheses, may hold spaces: fields are counted after it.
    fields = text.rsplit(")", 1)[1].split()
    state, started = fields[0], fields[19]
    return None if state in ("Z", "X") else started


def _without_proc(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return ""


def is_alive(pid: int, started: str) -> bool:
    """Whether the process `pid` that started at `started` still runs."""
    now = start_time(pid) if PROC.exists() else _without_proc(pid)
    return now is not None and (now == started or "" in (now, started))


def own_start_time() -> str:
    return start_time(os.getpid()) or ""


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A `preexec_fn` making the child receive `sig` when the process that started it dies,
    even by SIGKILL (Linux only; None elsewhere). It fires when the starting *thread* ends,
    so only start long-lived children from the main thread with it."""
    if _libc is None:
        return None
    # Looked up here: the child, between fork and exec, should do as little as it can.
    prctl, parent = _libc.prctl, os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
        # The parent may have died before prctl ran: then nobody would ever signal us.
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return arm
