# floorbot: `make run` installs and runs the bot; `make test` installs and runs every check.
VENV ?= .venv
BIN := $(VENV)/bin
# pytest-xdist workers for `make test`: one per core of the 2-core machines it runs on
TEST_WORKERS ?= 2
PYTHON ?= python3

.PHONY: install run demo test test-fast lint bench test-floors

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/floorbot db upgrade
	$(BIN)/floorbot run

# Try the whole bot in a browser: no token, no internet (see the README's "Try it").
demo: install
	$(BIN)/floorbot demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# PostgreSQL: .ci/postgres.sh installs (Debian packages) and starts a throwaway server on
# loopback and prints FLOORBOT_TEST_POSTGRES_URL. Without it the PostgreSQL tests skip,
# except on CI (CI=true), where a missing server fails the run. The browser tests need Debian's
# chromium and chromium-driver: .ci/chromium.sh installs them (apt-get) when they are missing.
# The throwaway server is stopped and removed when the run ends, however it ends.
test: lint
	@bash .ci/chromium.sh || { \
	  if [ "$${CI:-}" = "true" ]; then echo "Chromium could not be installed" >&2; exit 1; fi; \
	  echo "warning: no Chromium; the browser tests will be skipped" >&2; }
	@trap 'bash .ci/postgres.sh stop >/dev/null 2>&1 || true' EXIT; \
	pg_env="$$(bash .ci/postgres.sh)" || { \
	  if [ "$${CI:-}" = "true" ]; then echo "PostgreSQL could not be started" >&2; exit 1; fi; \
	  echo "warning: no PostgreSQL; its tests will be skipped" >&2; pg_env=""; }; \
	eval "$$pg_env"; $(BIN)/pytest -n $(TEST_WORKERS)

# For the edit-run loop: the scoring, storage and bot tests, on SQLite (and on PostgreSQL when
# FLOORBOT_TEST_POSTGRES_URL is set), without lint, the browser, the multi-process and crash
# runs, the digests' and vendor leads' suites. `make test` stays the whole suite (CI runs it).
test-fast: install
	$(BIN)/pytest tests/scoring tests/storage tests/bot

# The lowest versions pyproject.toml allows (.ci/lowest-versions.txt), in a venv of their own:
# the suite on SQLite, and on PostgreSQL too when FLOORBOT_TEST_POSTGRES_URL is set.
FLOORS_VENV ?= .venv-floors
FLOORS := .ci/lowest-versions.txt

$(FLOORS_VENV)/bin/.installed: pyproject.toml $(FLOORS)
	rm -rf $(FLOORS_VENV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_VENV)/bin/pip install --quiet --upgrade pip
	$(FLOORS_VENV)/bin/pip install --quiet -c $(FLOORS) -e '.[dev]'
	$(FLOORS_VENV)/bin/pip check
	touch $@

test-floors: $(FLOORS_VENV)/bin/.installed
	$(FLOORS_VENV)/bin/pip freeze --exclude-editable | grep -iE '^(python-telegram-bot|sqlmodel|sqlalchemy|pydantic)=='
	$(FLOORS_VENV)/bin/pytest

bench: install
	$(BIN)/python -m benchmarks.bench_engine
