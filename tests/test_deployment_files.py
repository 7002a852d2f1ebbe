"""The deployment files agree with the code: every process the Procfile names runs the same
command in docker-compose.yml, after the migrations, on the environment variables
`Settings` reads, sharing one blob volume; the Dockerfile copies paths that exist.

Docker is not needed: the files are parsed, and what they name is looked up in the code."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from typer.testing import CliRunner

from app import local
from app.cli import cli
from app.config import Settings
from worker.celery_app import QUEUES

ROOT = Path(__file__).resolve().parent.parent
PREFIX = str(Settings.model_config.get("env_prefix", ""))
SETTINGS_VARIABLES = {f"{PREFIX}{name}".upper() for name in Settings.model_fields}
REQUIRED_VARIABLES = {
    f"{PREFIX}{name}".upper() for name in ("database_url", "broker_url", "storage_dir")
}


def _procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            role, _, command = line.partition(":")
            processes[role.strip()] = shlex.split(command)
    return processes


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {str(key): str(value) for key, value in environment.items()}


PROCFILE = _procfile()


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


@pytest.fixture(scope="module")
def volumes() -> set[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return set(compose.get("volumes") or {})


WORKER_ROLES = ("worker", "extractor")


def _queues(command: list[str]) -> list[str]:
    return command[command.index("--queues") + 1].split(",")


def test_procfile_runs_workers_and_beat_of_the_worker_package() -> None:
    for role in WORKER_ROLES:
        assert PROCFILE[role][:4] == ["celery", "-A", "worker", "worker"]
    assert PROCFILE["beat"][:4] == ["celery", "-A", "worker", "beat"]
    assert (ROOT / "worker" / "__init__.py").is_file()


@pytest.mark.parametrize(("environment", "port"), [({"PORT": "5123"}, "5123"), ({}, "8000")])
def test_web_binds_the_port_a_procfile_runner_sets(environment: dict[str, str], port: str) -> None:
    # honcho and platform runners hand each line to a shell with $PORT set (or not).
    [line] = [
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    ]
    expanded = subprocess.run(
        ["sh", "-c", f"set -- {line.partition(':')[2]}; printf '%s\\n' \"$@\""],
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert expanded[expanded.index("--port") + 1] == port


def test_procfile_workers_share_every_queue_between_them_and_extraction_runs_alone() -> None:
    queues = {role: _queues(PROCFILE[role]) for role in WORKER_ROLES}
    assert queues["extractor"] == ["extraction"]
    assert sorted(queues["worker"] + queues["extractor"]) == sorted(QUEUES)


def test_the_extractor_takes_one_message_at_a_time_and_bounds_its_memory() -> None:
    command = PROCFILE["extractor"]
    assert command[command.index("--prefetch-multiplier") + 1] == "1"
    assert int(command[command.index("--max-memory-per-child") + 1]) > 0


@pytest.mark.parametrize("role", WORKER_ROLES)
def test_serve_starts_each_worker_with_the_procfiles_options(role: str) -> None:
    command = local.role_command(role, "probe@host")
    procfile = PROCFILE[role]
    hostname = procfile.index("--hostname")
    expected = procfile[4:hostname] + procfile[hostname + 2 : procfile.index("--loglevel")]
    started = command[command.index("probe@host") + 1 : command.index("--loglevel")]
    assert started == expected


@pytest.mark.parametrize("role", sorted(PROCFILE))
def test_compose_runs_each_procfile_process_with_the_same_command(
    role: str, services: dict[str, dict[str, Any]]
) -> None:
    assert role in services, f"docker-compose.yml has no '{role}' service"
    assert _command(services[role]) == PROCFILE[role]


@pytest.mark.parametrize("role", sorted(PROCFILE))
def test_processes_start_after_the_migrations_on_healthy_services(
    role: str, services: dict[str, dict[str, Any]]
) -> None:
    depends_on = services[role]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    for backing in ("postgres", "redis"):
        assert depends_on[backing]["condition"] == "service_healthy"
        assert "healthcheck" in services[backing], f"{backing} has no healthcheck to wait on"


def test_migrate_runs_the_dossier_upgrade_command(services: dict[str, dict[str, Any]]) -> None:
    migrate = services["migrate"]
    command = _command(migrate)
    assert command == ["dossier", "db", "upgrade"]
    assert migrate.get("restart") == "no", "a one-shot service must not be restarted"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["dossier"] == "app.cli:main"
    assert CliRunner().invoke(cli, [*command[1:], "--help"]).exit_code == 0


def _dossier_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in services.items() if "build" in service}


def test_dossier_services_are_built_from_this_repository(
    services: dict[str, dict[str, Any]],
) -> None:
    built = _dossier_services(services)
    assert {"migrate", *PROCFILE} <= set(built)
    for service in built.values():
        context = (
            service["build"] if isinstance(service["build"], str) else service["build"]["context"]
        )
        assert (ROOT / context / "Dockerfile").is_file()


def test_environment_names_only_settings_the_code_reads(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in _dossier_services(services).items():
        variables = {key for key in _environment(service) if key.startswith(PREFIX)}
        assert variables <= SETTINGS_VARIABLES, f"{name}: {variables - SETTINGS_VARIABLES}"
        assert variables >= REQUIRED_VARIABLES, f"{name} lacks {REQUIRED_VARIABLES - variables}"
    for keyword, arguments in _dockerfile_instructions():
        if keyword == "ENV":
            names = {part.split("=", 1)[0] for part in shlex.split(arguments)}
            dossier = {n for n in names if n.startswith(PREFIX)}
            assert dossier <= SETTINGS_VARIABLES, dossier - SETTINGS_VARIABLES


def test_environment_points_at_the_compose_services(services: dict[str, dict[str, Any]]) -> None:
    for service in _dossier_services(services).values():
        environment = _environment(service)
        database = urlsplit(environment[f"{PREFIX}DATABASE_URL"])
        broker = urlsplit(environment[f"{PREFIX}BROKER_URL"])
        assert database.scheme == "postgresql+psycopg"
        assert database.hostname == "postgres"
        assert broker.scheme == "redis"
        assert broker.hostname == "redis"


def test_every_process_shares_one_blob_volume(
    services: dict[str, dict[str, Any]], volumes: set[str]
) -> None:
    mounted = set()
    for role in PROCFILE:
        service = services[role]
        storage_dir = _environment(service)[f"{PREFIX}STORAGE_DIR"]
        mounts = dict(reversed(str(v).split(":")[:2]) for v in service.get("volumes", []))
        assert storage_dir in mounts, f"{role} keeps blobs in {storage_dir}, not on a volume"
        mounted.add(mounts[storage_dir])
    assert len(mounted) == 1, f"the processes keep blobs on different volumes: {mounted}"
    assert mounted <= volumes, "the blob volume is not declared"
    for service in services.values():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            assert source.startswith((".", "/")) or source in volumes, f"undeclared {source}"


def test_dockerfile_copies_paths_that_exist_and_installs_the_project() -> None:
    instructions = _dockerfile_instructions()
    copies = [shlex.split(arguments) for keyword, arguments in instructions if keyword == "COPY"]
    assert copies, "the Dockerfile copies nothing"
    for *sources, _destination in copies:
        for source in sources:
            if not source.startswith("--"):
                assert (ROOT / source).exists(), f"COPY {source}: no such path"
    copied = {source.rstrip("/") for *sources, _ in copies for source in sources}
    assert {"pyproject.toml", "app", "worker"} <= copied
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install (\S+ )*\.(\s|$)", run) for run in runs)


def test_ci_script_requires_the_real_services_and_runs_the_suite() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK), ".ci/run is not executable"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert "export DOSSIER_REQUIRE_SERVICES=1" in text
    assert re.search(r"^make test$", text, re.MULTILINE)


def test_makefile_has_the_everyday_targets() -> None:
    targets = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    assert {"demo", "test", "lint", "typecheck", "fmt", "clean"} <= targets
