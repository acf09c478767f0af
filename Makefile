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

.PHONY: help venv demo generate build rescore freshness summary evaluate validate daily \
	report-screenshot chromium report-assets test lint test-python test-dbt benchmark benchmark-chart \
	lock clean

help:
	@echo "make demo       set up, generate sample exports, build the warehouse, evaluate, summarise"
	@echo "make test       every check: ruff, sqlfluff, pytest (generator, CLI, dbt end-to-end)"
	@echo "make validate   Great Expectations suites on the landed files and the warehouse"
	@echo "make daily      the daily routine: source freshness, dbt build, validate (even if the build failed)"
	@echo "make benchmark  generation, floor, full / one-day / no-change builds: time, memory (SIZES='10000 100000')"
	@echo "make clean      remove generated data and build artefacts (keeps .venv)"

venv: $(STAMP) report-assets
$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: $(PYTHON) not found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The scripts and styles the validation report's pages load (GX links them from public
# CDNs; `omniscore validate` points the pages at these copies so the report works offline).
# Versions are the ones GX 1.24's page templates name (after changing them, remove
# .venv/report-assets). From the npm registry with npm.
REPORT_ASSETS := $(VENV)/report-assets
REPORT_ASSET_PACKAGES := jquery@3.7.1 bootstrap@4.3.1 popper.js@1.12.9 bootstrap-table@1.19.1 \
	bootstrap-datepicker@1.9.0 @fortawesome/fontawesome-free@6.6.0
report-assets: $(REPORT_ASSETS)/.installed
$(REPORT_ASSETS)/.installed:
	@command -v npm >/dev/null || { echo "npm is needed for the report's assets"; exit 1; }
	rm -rf $(REPORT_ASSETS) && mkdir -p $(REPORT_ASSETS)/.packs
	cd $(REPORT_ASSETS)/.packs && npm pack --silent $(REPORT_ASSET_PACKAGES) >/dev/null
	for spec in $(REPORT_ASSET_PACKAGES); do \
	    name=$${spec%@*}; tarball=$$(echo "$$name" | sed 's|^@||; s|/|-|')-$${spec##*@}.tgz; \
	    mkdir -p $(REPORT_ASSETS)/$$name; \
	    tar xzf $(REPORT_ASSETS)/.packs/$$tarball -C $(REPORT_ASSETS)/$$name --strip-components=1; \
	done
	rm -rf $(REPORT_ASSETS)/.packs
	touch $@

# Debian's Chromium, for the test that opens the validation report as a person would and
# for `make report-screenshot`. Installed once (needs root, as on CI).
chromium:
	@[ -x /usr/bin/chromium ] || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

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

# Has a file landed recently on every channel? (newest file's modification time)
freshness: venv
	$(BIN)/dbt source freshness

# Great Expectations suites: every landed file and the staging / mart relations; writes the
# report to data/validation/ and appends to audit.dq_validation_results.
validate: venv
	$(BIN)/omniscore validate

# The daily routine (README): freshness, an incremental build, then validation even when the
# build failed (its report names the file and column a failing build met); exits with the
# build's status if it failed, else validation's.
daily: venv
	-$(BIN)/dbt source freshness
	@$(BIN)/dbt build; build=$$?; $(BIN)/omniscore validate; validate=$$?; \
		if [ $$build -ne 0 ]; then exit $$build; fi; exit $$validate

# The README's picture of the report (docs/img/validation-report.png), from the demo data.
report-screenshot: venv chromium
	$(BIN)/omniscore validate --screenshot docs/img/validation-report.png

demo: generate build freshness rescore evaluate validate summary
	@echo "Validation report: $(CURDIR)/data/validation/index.html"

lint: venv
	$(BIN)/ruff check python
	$(BIN)/ruff format --check python
	@# dbt's templater renders models against a warehouse: lint against an empty one so the
	@# result is the same here and on a fresh clone (is_incremental() false, no prior state).
	lint_dir=$$(mktemp -d); status=0; \
	OMNISCORE_DB=$$lint_dir/lint.duckdb $(BIN)/sqlfluff lint models tests --processes 2 || status=$$?; \
	rm -rf $$lint_dir; exit $$status

test: venv chromium lint
	$(BIN)/pytest -q

benchmark: venv
	$(BIN)/omniscore benchmark --sizes $${SIZES:-10000 100000}

# The README's chart of time against size, from benchmarks/results.csv.
benchmark-chart: venv
	$(BIN)/omniscore benchmark --chart docs/img/benchmark.png

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
