"""Where the processes of one machine keep their metrics: Celery's prefork children write
their counters to files in `PROMETHEUS_MULTIPROC_DIR`, which the worker's main process (or
the web process, when they share the machine and the directory) adds up.

Kept apart from `app.metrics` on purpose: the directory must be chosen before the client
library is first imported, since it picks file-backed or in-process counters then."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"

log = logging.getLogger(__name__)


def ensure_directory() -> Path | None:
    """The metrics directory of this process: the one configured, or else a fresh one of
    its own (inherited by the processes it forks). None if it is too late to choose."""
    configured = os.environ.get(ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    if "prometheus_client" in sys.modules:
        log.debug("metrics stay in-process: %s was not set before they were created", ENV)
        return None
    path = Path(tempfile.mkdtemp(prefix="dossier-metrics-"))
    os.environ[ENV] = str(path)
    return path


def fresh_directory(path: Path) -> Path:
    """Empty `path` of a previous run's counts and make it this machine's directory (for
    `dossier serve`, which starts every process itself)."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ[ENV] = str(path)
    return path
