"""The lock files agree with pyproject.toml: everything it names is pinned, with hashes;
the production lock leaves out the test tools and the embedded broker; and make, CI and
the image install from them. A dependency added without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


RUNTIME = _names(PROJECT["dependencies"])
EXTRAS = {name: _names(items) for name, items in PROJECT["optional-dependencies"].items()}


@pytest.mark.parametrize(
    ("lock", "extras"), [("dev.lock", ("dev", "embedded", "otel")), ("prod.lock", ("otel",))]
)
def test_every_dependency_is_pinned(lock: str, extras: tuple[str, ...]) -> None:
    wanted = RUNTIME.union(*(EXTRAS[extra] for extra in extras))
    missing = wanted - _pins(lock).keys()
    assert not missing, f"not in requirements/{lock}: {sorted(missing)}; run `make lock`"


def test_production_lock_has_no_test_tools_nor_embedded_broker() -> None:
    production = _pins("prod.lock")
    assert not (EXTRAS["embedded"] | {"pytest", "mypy", "ruff", "fakeredis"}) & production.keys()


def test_both_locks_pin_the_same_versions_and_every_pin_has_hashes() -> None:
    development, production = _pins("dev.lock"), _pins("prod.lock")
    assert {name: development.get(name) for name in production} == production
    for lock in ("dev.lock", "prod.lock"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements" / lock).read_text())
        unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
        assert not unhashed, f"{lock}: pins without hashes: {unhashed}"


def test_make_ci_and_the_image_install_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "DEV_LOCK := requirements/dev.lock" in makefile
    assert re.search(r"install .*--require-hashes -r \$\(DEV_LOCK\)", makefile)
    assert re.search(r"^lock:", makefile, re.MULTILINE)
    assert "make install" in (ROOT / ".ci" / "run").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements/prod.lock" in dockerfile
    assert "pip install --no-deps ." in dockerfile
