# Everyday targets. `make demo` and `make test` work on a fresh clone: they create the
# virtual environment and install Dossier into it first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo test lint typecheck fmt clean \
	bench bench-gate bench-deactivate bench-delete bench-latency bench-lifecycle-latency \
	bench-gate-many-files bench-intake train-extraction eval-extraction bench-adversarial

help:
	@echo "make demo       run the demo story on the embedded defaults (SQLite, embedded Redis)"
	@echo "make test       run the whole test suite"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make typecheck  mypy (strict on app/, worker/ and training/)"
	@echo "make fmt        format and fix what ruff can"
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

# Reinstalled whenever pyproject.toml changes (new dependencies, entry points).
$(INSTALLED): pyproject.toml | $(BIN)/python
	@echo "Installing Dossier and its dependencies into $(VENV) (the first time takes a minute)"
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(INSTALLED)

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
	$(BIN)/python benchmarks/upload_intake.py --clients 8 --uploads 400
	$(BIN)/python benchmarks/upload_intake.py --clients 8 --uploads 400 --gate-per-upload

# Training needs scikit-learn (the `train` extra); the worker only reads the weights.
TRAINED := $(VENV)/.train-installed
$(TRAINED): pyproject.toml | $(INSTALLED)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev,train]"
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
