# omniscore: every command a newcomer needs. `make demo` and `make test` set everything up.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Demo data size: a year of daily batches (enough to train on point-in-time snapshots and
# hold out the latest 30- and 90-day windows), the last one on 2026-11-30; override e.g.
# `make demo CUSTOMERS=100000 DAYS=60 START=2026-09-01` (the last batch must be before today).
CUSTOMERS ?= 5000
DAYS ?= 365
SEED ?= 42
START ?= 2025-12-01
export OMNISCORE_RAW_DIR ?= data/raw
export OMNISCORE_DB ?= data/omniscore.duckdb
TRUTH_DIR := $(dir $(OMNISCORE_RAW_DIR:%/=%))truth

.PHONY: help venv demo generate build rescore summary evaluate test lint test-python test-dbt benchmark lock clean

help:
	@echo "make demo       set up, generate sample exports, build the warehouse, evaluate, summarise"
	@echo "make test       every check: ruff, sqlfluff, pytest (generator, CLI, dbt end-to-end)"
	@echo "make benchmark  generation + build times and peak memory (SIZES='10000 100000')"
	@echo "make clean      remove generated data and build artefacts (keeps .venv)"

venv: $(STAMP)
$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: $(PYTHON) not found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

generate: venv
	rm -rf $(OMNISCORE_RAW_DIR) $(TRUTH_DIR)
	$(BIN)/omniscore generate --customers $(CUSTOMERS) --days $(DAYS) --seed $(SEED) \
	    --start $(START) --out $(OMNISCORE_RAW_DIR) --truth $(TRUTH_DIR)

build: venv
	$(BIN)/dbt seed --quiet --full-refresh
	$(BIN)/dbt build --full-refresh

summary: venv
	$(BIN)/omniscore summary

evaluate: venv
	$(BIN)/omniscore evaluate --truth $(TRUTH_DIR)

# Scores as of an earlier date too, so the demo's history has moves to show.
rescore: venv
	$(BIN)/omniscore rescore --back 1 --every 28

demo: generate build rescore evaluate summary

lint: venv
	$(BIN)/ruff check python
	$(BIN)/ruff format --check python
	@# dbt's templater renders models against a warehouse: lint against an empty one so the
	@# result is the same here and on a fresh clone (is_incremental() false, no prior state).
	lint_dir=$$(mktemp -d); status=0; \
	OMNISCORE_DB=$$lint_dir/lint.duckdb $(BIN)/sqlfluff lint models tests --processes 2 || status=$$?; \
	rm -rf $$lint_dir; exit $$status

test: venv lint
	$(BIN)/pytest -q

benchmark: venv
	$(BIN)/omniscore benchmark --sizes $${SIZES:-10000 100000}

# Resolves pyproject.toml's ranges (each direct dependency held to its supported series).
lock:
	rm -rf /tmp/omniscore-lock && $(PYTHON) -m venv /tmp/omniscore-lock
	/tmp/omniscore-lock/bin/pip install --quiet -e '.[dev]'
	{ head -n 2 requirements.lock; /tmp/omniscore-lock/bin/pip freeze --exclude-editable | sort -f; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	@# data/.gitkeep is tracked: empty the folder, keep the file.
	[ ! -d data ] || find data -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf target logs benchmarks/runs
