# Two entry points (see README): `make run` and `make test`; `make test-fast` for the
# inner loop (docs/development.md).
VENV ?= .venv
BIN := $(VENV)/bin
# The suite runs in parallel (pytest-xdist): one worker per core, each with its own
# database; the tests that share a costly set-up go to one worker as a group.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

# Python may write its bytecode (and pytest its rewritten test modules) even where the
# shell asks it not to (PYTHONDONTWRITEBYTECODE): without the cache every worker and every
# `clustermonitor` process a test starts compiles the project again (half of collection).
unexport PYTHONDONTWRITEBYTECODE

# The first Python >= 3.12 on PATH, or one that pyenv keeps but has not activated.
PYTHON ?= $(shell ./scripts/find-python)

.PHONY: run test test-fast install install-test lint messages clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (PATH or pyenv)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

## Install, migrate the SQLite demo database, load the demo and serve it on :8000.
run: install
	$(BIN)/clustermonitor demo

## Install the test dependencies, lint and run the whole suite in parallel (SQLite unless
## DATABASE_URL is set).
test: install-test
	./scripts/ensure-browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_PARALLEL)

## The fast tier: lint and the suite without the browser and the demo-loading tests.
test-fast: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not e2e and not demo and not slow"

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Rebuild the Dutch message catalogue after changing user-facing strings.
messages: install
	$(BIN)/clustermonitor makemessages --locale nl --no-obsolete --add-location file
	$(BIN)/clustermonitor compilemessages --locale nl

clean:
	rm -rf $(VENV) var
