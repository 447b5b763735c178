# The two commands: `make demo` (set up + the tour on the embedded emulator) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install clean bench services

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/estate demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# PostgreSQL and Redis run for the tests (.ci/services installs them when missing) and stop
# afterwards, also when a test fails; tests that need them fail rather than skip here.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	.ci/services run -- $(BIN)/pytest

services:
	.ci/services start

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
