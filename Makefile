# Everyday targets. `make demo` and `make test` work on a fresh clone: they create the
# virtual environment and install Dossier into it first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install lock demo test lint typecheck fmt clean \
	bench bench-gate bench-deactivate bench-delete bench-latency bench-lifecycle-latency \
	bench-gate-many-files bench-intake train-extraction eval-extraction bench-adversarial

help:
	@echo "make demo       run the demo story on the embedded defaults (SQLite, embedded Redis)"
	@echo "make test       run the whole test suite"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make typecheck  mypy (strict on app/, worker/ and training/)"
	@echo "make fmt        format and fix what ruff can"
	@echo "make lock       pin every dependency (with hashes) in requirements/*.lock after changing pyproject.toml"
	@echo "make clean      remove the virtual environment, caches and local state (var/)"
	@echo "make bench      the pipeline benchmarks against PostgreSQL and Redis (docs/benchmarks.md);"
	@echo "                one at a time: bench-gate, bench-deactivate, bench-delete, bench-latency,"
	@echo "                bench-lifecycle-latency, bench-gate-many-files, bench-intake"
	@echo "make train-extraction  train the learned field reader (deterministic) into its model file"
	@echo "make eval-extraction   leave-one-family-out, held-out and dev-set figures (docs/extraction.md)"
	@echo "make bench-adversarial CPU time of the extraction on hostile inputs"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Dossier needs Python 3.11 or newer ($(PYTHON) is older); try PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The exact versions (and hashes) every install uses: requirements/dev.lock for make and
# CI (the dev, embedded and otel extras), requirements/prod.lock for the image (no test
# tools, no embedded broker). `make lock` writes both from pyproject.toml.
DEV_LOCK := requirements/dev.lock
PROD_LOCK := requirements/prod.lock
PIP := $(BIN)/pip --disable-pip-version-check
UV_VERSION := 0.13.9
LOCK_OPTIONS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 --quiet

# Reinstalled whenever pyproject.toml or the lock file changes.
$(INSTALLED): pyproject.toml $(DEV_LOCK) | $(BIN)/python
	@echo "Installing Dossier and its locked dependencies into $(VENV) (the first time takes a minute)"
	$(PIP) install --quiet --require-hashes -r $(DEV_LOCK)
	$(PIP) install --quiet --no-deps -e .
	@touch $@

install: $(INSTALLED)

# After a change to the dependencies in pyproject.toml: resolve them again, pinned and hashed.
lock: | $(BIN)/python
	$(PIP) install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra embedded --extra otel \
		$(LOCK_OPTIONS) -o $(DEV_LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra otel --constraint $(DEV_LOCK) \
		$(LOCK_OPTIONS) -o $(PROD_LOCK)

demo: $(INSTALLED)
	$(BIN)/dossier demo

test: $(INSTALLED)
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

fmt: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Each prints its figures beside a baseline measured in the same run (docs/benchmarks.md).
bench: bench-gate bench-deactivate bench-delete bench-latency bench-lifecycle-latency \
	bench-gate-many-files bench-intake

bench-gate: $(INSTALLED)
	$(BIN)/python benchmarks/gate_overhead.py

bench-deactivate: $(INSTALLED)
	$(BIN)/python benchmarks/deactivate_at_scale.py

bench-delete: $(INSTALLED)
	$(BIN)/python benchmarks/delete_at_scale.py

bench-latency: $(INSTALLED)
	$(BIN)/python benchmarks/upload_to_extracted.py

bench-lifecycle-latency: $(INSTALLED)
	$(BIN)/python benchmarks/lifecycle_latency.py

bench-gate-many-files: $(INSTALLED)
	$(BIN)/python benchmarks/gate_many_files.py

# As `web` runs (uploads share the gate nudge), then with one gate message per upload.
bench-intake: $(INSTALLED)
	$(BIN)/python benchmarks/upload_intake.py --clients 8 --uploads 400 --rounds 5
	$(BIN)/python benchmarks/upload_intake.py --clients 8 --uploads 400 --rounds 3 --gate-per-upload

# Training needs scikit-learn (the `train` extra); the worker only reads the weights.
TRAINED := $(VENV)/.train-installed
$(TRAINED): pyproject.toml | $(INSTALLED)
	$(PIP) install --quiet -e ".[train]"
	@touch $@

train-extraction: $(TRAINED)
	$(BIN)/python -m training.train

eval-extraction: $(TRAINED)
	$(BIN)/python -m training.evaluate

bench-adversarial: $(INSTALLED)
	$(BIN)/python benchmarks/adversarial_extraction.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
