# The two commands: `make demo` (set up + the tour on the embedded emulator) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps: the demo needs only the package; tests and lint need the dev set (mypy, stubs,
# awscli, PostgreSQL/Celery clients), several times the download.
DEMO_STAMP := $(VENV)/.installed-demo
DEV_STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint install clean bench services

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(DEMO_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $(DEMO_STAMP)

$(DEV_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $(DEV_STAMP) $(DEMO_STAMP)

install: $(DEV_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/estate demo

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# PostgreSQL and Redis run for the tests (.ci/services installs them when missing) and stop
# afterwards, also when a test fails; tests that need them fail rather than skip here.
test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	.ci/services run -- $(BIN)/pytest

services:
	.ci/services start

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
