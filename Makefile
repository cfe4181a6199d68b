# Feasibility model of the 2007 US-Mexico security aid package. `make` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
# Tests keep compiled bytecode (__pycache__, ignored by git) even where the shell sets
# PYTHONDONTWRITEBYTECODE: without it every worker and subprocess recompiles the package and
# pytest rewrites every test module again (collecting the fast suite: 6.5 s -> 4.7 s per worker).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest
PIP := $(PY) -m pip install -q --disable-pip-version-check
# pip's notes about this machine's unused local package folders are noise in CI logs
QUIET := { grep -v -e "^WARNING: Location 'file:" -e BuildBackendWarning || true; }

# A Python >= 3.12, preferring 3.12 (the lock was made with it), on PATH or under pyenv.
FIND_PYTHON := for c in python3.12 $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3 2>/dev/null | sort -rV) \
	python3.13 $$(ls -d $$HOME/.pyenv/versions/3.1[3-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$c; break; }; done

.PHONY: help venv run app test test-slow test-all bench bench-smoke reports lint format notebooks clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then echo "error: no Python 3.12 or newer found; install one (e.g. 'pyenv install 3.12') or put python3.12 on PATH, then re-run make" >&2; exit 1; fi; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $$py"; rm -rf $(VENV); $$py -m venv $(VENV) || exit 1; fi; \
	echo "Installing the pinned environment from requirements.lock (a few minutes the first time)"; \
	set -o pipefail; $(PIP) -r requirements.lock 2>&1 | $(QUIET) && \
	$(PIP) --no-deps -e . 2>&1 | $(QUIET) && \
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP) ## Create .venv from the pinned lock file (done by every target that needs it)

run: $(STAMP) ## Fit the baseline and print P(deal) and its parts
	$(VENV)/bin/feasibility run

app: $(STAMP) ## The live what-if panel in the browser, on http://127.0.0.1:5006/
	$(VENV)/bin/feasibility app

reports: $(STAMP) ## Fit baseline and scenarios; write reports/feasibility.{html,md}, figures, tables
	@$(PY) -c 'from model.report.notebooks import missing_requirements as m; import sys; sys.exit(bool(m()))' || \
		{ set -o pipefail; $(PIP) -e '.[report]' 2>&1 | $(QUIET); }
	$(VENV)/bin/feasibility report --out reports

# The slowest tests are listed after every run, so a slow new test shows itself.
DURATIONS := --durations=15
# The fast suite runs on every core (pytest-xdist); the slow one runs serially, its long tests
# already fit in parallel (joblib) inside.
WORKERS := -n auto

test: $(STAMP) ## Run the test suite (fast tests; slow ones with `make test-slow`)
	$(PYTEST) -m "not slow" -q $(WORKERS) $(DURATIONS)

test-slow: $(STAMP) ## Run only the slow statistical tests
	$(PYTEST) -m slow -q $(DURATIONS)

test-all: $(STAMP) ## Run every test
	$(PYTEST) -q $(DURATIONS)

bench: $(STAMP) ## Benchmarks: speed and memory ratios, written to reports/bench.txt
	$(PY) benchmarks/bench.py

bench-smoke: $(STAMP) ## The benchmarks once at tiny settings (CI): they still run; not figures
	FEASIBILITY_QUICK=1 $(PY) benchmarks/bench.py

lint: $(STAMP) ## ruff check, format check, the layer contracts (import-linter) and mypy
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports --no-cache \
		&& $(VENV)/bin/mypy

format: $(STAMP) ## ruff fix and format
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

notebooks: $(STAMP) ## Open the notebooks in JupyterLab (installs the optional `lab` group)
	$(PIP) -e '.[lab]' && $(VENV)/bin/jupyter lab notebooks/

clean: ## Remove caches, the test cache .cache/tests too (not the venv, not reports)
	rm -rf .cache .pytest_cache .ruff_cache .mypy_cache
