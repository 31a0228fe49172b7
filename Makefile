# annotator: the commands the README names.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := annotator/samples/azerbaijan-offensive-2023-09-19.txt
SAMPLE_OUTLET ?= Sample outlet
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run demo test test-fast bench serve lint install install-dev clean-db

# Run a setup step with its output in .venv/setup.log, shown only if the step fails: pip's and
# setuptools' notices stay off the screen, so the login details are what `make run` ends with.
QUIETLY = quietly() { echo "  $$1"; shift; "$$@" >> $(VENV)/setup.log 2>&1 || \
	{ status=$$?; cat $(VENV)/setup.log; echo "failed: $$*" >&2; exit $$status; }; }; quietly

# Serve in the background, wait until it answers, then print the login details last ($(1):
# the text to print); Ctrl-C stops the server.
define SERVE_THEN_SHOW
$(BIN)/flask run --host $(HOST) --port $(PORT) & server=$$!; \
trap 'kill $$server 2>/dev/null' INT TERM EXIT; \
for i in $$(seq 100); do $(BIN)/python -c "import urllib.request as u; u.urlopen('http://$(HOST):$(PORT)/health', timeout=1)" 2>/dev/null && break; sleep 0.2; done; \
echo; echo "annotator is running on http://$(HOST):$(PORT)/ (Ctrl-C stops it)."; \
printf '%s\n' $(1); \
wait $$server
endef

$(BIN)/python:
	@echo "Creating .venv ..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip > $(VENV)/setup.log 2>&1 || \
		{ cat $(VENV)/setup.log; exit 1; }

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@$(QUIETLY) "Installing annotator (log: $(VENV)/setup.log) ..." \
		$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@$(QUIETLY) "Installing annotator with the dev extras (log: $(VENV)/setup.log) ..." \
		$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the sample article, make sure an admin exists, serve on
## 127.0.0.1:5000, and end with the admin's login details
run: export ANNOTATOR_ENV ?= development
run: install
	@$(QUIETLY) "Upgrading the database ..." $(BIN)/flask db upgrade
	@$(QUIETLY) "Checking the stored statistics ..." $(BIN)/flask agreement recompute --if-stale
	@$(QUIETLY) "Loading the sample article ..." \
		$(BIN)/flask import-articles $(SAMPLE) --outlet "$(SAMPLE_OUTLET)"
	@login="$$($(BIN)/flask ensure-admin)" || exit 1; \
	$(call SERVE_THEN_SHOW,"" "Log in as the admin:" "$$login")

## demo: like run, on a database of its own (instance/demo.sqlite) holding the demo workspace:
## fictional articles, a lead and three reviewers with submitted work; ends with their logins
demo: export ANNOTATOR_ENV ?= development
demo: export DATABASE_URL ?= sqlite:///$(CURDIR)/instance/demo.sqlite
demo: install
	@mkdir -p instance
	@$(QUIETLY) "Upgrading the demo database (instance/demo.sqlite) ..." $(BIN)/flask db upgrade
	@admin="$$($(BIN)/flask ensure-admin)" || exit 1; \
	if accounts="$$($(BIN)/flask demo 2>&1)"; then :; \
	else case "$$accounts" in *"already loaded"*) accounts="The demo was loaded before: its one-time passwords were shown then (flask reset-password NAME gives a new one).";; \
	  *) echo "$$accounts" >&2; exit 1;; esac; fi; \
	$(call SERVE_THEN_SHOW,"" "$$accounts" "" "Admin: $$admin")

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
