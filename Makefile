# annotator: the commands the README names.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := annotator/samples/azerbaijan-offensive-2023-09-19.txt
SAMPLE_OUTLET ?= Sample outlet
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test test-fast bench serve lint install install-dev clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the sample article, make sure an admin exists, serve on 127.0.0.1:5000
run: export ANNOTATOR_ENV ?= development
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask agreement recompute --if-stale
	$(BIN)/flask import-articles $(SAMPLE) --outlet "$(SAMPLE_OUTLET)"
	@$(BIN)/flask ensure-admin
	@echo "annotator is starting on http://$(HOST):$(PORT)/ - log in with the admin account above (Ctrl-C stops it)."
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: install with dev extras and run the whole suite (SQLite, and PostgreSQL when reachable)
test: install-dev
	$(BIN)/pytest

## test-fast: SQLite only, without the browser tests and those marked slow (tests/conftest.py's
## SLOW_MODULES); one process, which beats two shards on this two-core machine
test-fast: install-dev
	ANNOTATOR_TEST_BACKENDS=sqlite $(BIN)/pytest -q -m "not slow" --ignore=tests/browser

## bench: print the benchmark figures
bench: install-dev
	$(BIN)/python bench/run_all.py

## serve: production server (needs SECRET_KEY, and DATABASE_URL for PostgreSQL);
## threaded workers with a long timeout, since exports stream for minutes on large corpora
serve: install
	$(BIN)/flask db upgrade
	$(BIN)/flask agreement recompute --if-stale
	$(BIN)/gunicorn --workers $${WORKERS:-4} --worker-class gthread --threads $${THREADS:-4} \
		--timeout $${TIMEOUT:-600} --bind $(HOST):$${SERVE_PORT:-8000} --access-logfile - wsgi:app

lint: install-dev
	$(BIN)/ruff check annotator tests bench wsgi.py
