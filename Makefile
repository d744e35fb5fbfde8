# tdsnet: `make serve` runs an instance, `make test` installs everything the tests need and runs them.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 1433
DATA   ?= data
# Tests start their own servers on free loopback ports, so they run in parallel.
PYTEST_ARGS ?= -n auto

.PHONY: serve test lint bench deps system-deps node-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Runtime dependencies only: what `make serve` needs.
$(VENV)/.serve: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	@touch $@

# Everything the test suite drives: Python clients, Debian packages (when root), npm packages.
$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

serve: $(VENV)/.serve
	$(VENV)/bin/tdsnet serve --data-dir $(DATA) --port $(PORT) $(SERVE_ARGS)

system-deps:
	@scripts/install-system-deps

node-deps:
	@scripts/install-node-deps

deps: $(VENV)/.test system-deps node-deps

lint: $(VENV)/.test
	$(PY) -m ruff check src tests $(wildcard bench)
	$(PY) -m ruff format --check -q src tests $(wildcard bench)

test: deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The benchmark's PostgreSQL client (psycopg2), on top of what the tests install.
$(VENV)/.bench: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test,bench]'
	@touch $@

bench: deps $(VENV)/.bench
	@scripts/install-system-deps postgresql-15
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) tests/clients/node/node_modules tests/clients/java/build .pytest_cache
