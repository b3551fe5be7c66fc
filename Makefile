# One Makefile for people and CI. `make run` builds and answers a question; `make test` runs the suite.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Reinstalls when pyproject.toml changes (new dependency, new entry point).
VENV_STAMP := $(VENV)/.installed
# npm ci writes this file; it is newer than package-lock.json once node_modules matches it
NODE_STAMP := node_modules/.package-lock.json

.PHONY: help venv system-deps node-deps run test test-fast bench load lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

venv: $(VENV_STAMP) ## Create .venv and install cityrdf with its test tools

$(VENV_STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; cityrdf needs Python 3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

system-deps: ## Install the Debian packages the tests need (as root)
	.ci/install-system-deps

node-deps: $(NODE_STAMP) ## Install the site's JavaScript (maps, SPARQL editor, axe-core) from package-lock.json

$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found; run make system-deps" >&2; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts

run: venv ## Build, validate, count, and list Tehran's sister cities
	$(BIN)/cityrdf build
	$(BIN)/cityrdf validate
	$(BIN)/cityrdf stats
	$(BIN)/cityrdf query tehran-sister-cities --format table

# Test processes of `make test` (pytest-xdist); tests that share a server or a published site are
# kept on one worker (tests/conftest.py, assign_xdist_groups)
TEST_WORKERS ?= 2

test: lint system-deps node-deps ## Lint, then run the test suite on two processes (TEST_WORKERS=2)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup

test-fast: venv ## Run a quick subset touching every layer (under a minute)
	$(BIN)/pytest -q --fast

bench: venv ## Every performance goal, measured, with a verdict (benchmarks/results/results.md)
	$(BIN)/python benchmarks/run.py

load: venv ## Load-test `cityrdf serve`: 50 clients for 60 s (report in benchmarks/results/)
	$(BIN)/python benchmarks/load.py --clients 50 --seconds 60

lint: venv ## ruff check, format check and mypy
	@test -x $(BIN)/ruff || { echo "error: ruff is not in $(VENV); run make venv" >&2; exit 1; }
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean: ## Remove built artefacts and caches (keeps .venv)
	rm -rf dist site build .pytest_cache .ruff_cache .mypy_cache .hypothesis tests/artifacts .cache/dataset
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
