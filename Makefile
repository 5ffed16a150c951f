# Two entry points (see README): `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin

# The first Python >= 3.12 on PATH, or one that pyenv keeps but has not activated.
PYTHON ?= $(shell ./scripts/find-python)

.PHONY: run test install install-test lint messages clean

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

## Install the test dependencies and run the whole suite (SQLite unless DATABASE_URL is set).
test: install-test
	./scripts/ensure-browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Rebuild the Dutch message catalogue after changing user-facing strings.
messages: install
	$(BIN)/clustermonitor makemessages --locale nl --no-obsolete --add-location file
	$(BIN)/clustermonitor compilemessages --locale nl

clean:
	rm -rf $(VENV) var
