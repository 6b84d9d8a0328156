# Binjai Command Center analytics. `make run` = the whole thing; `make test` = the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.app-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run test setup setup-test browser dbservers seed etl bench screenshots reset clean

run: $(APP_STAMP) browser ## set up (incl. Chromium for the briefing charts), demo data if missing, first ETL pass, serve on :8050
	$(BIN)/python app.py

test: $(DEV_STAMP) browser dbservers ## set up and run unit + integration + real-browser tests
	$(BIN)/python -m pytest

setup: $(APP_STAMP)
setup-test: $(DEV_STAMP) browser dbservers

$(APP_STAMP): requirements.txt
	@# Debian's python3 needs python3-venv for `-m venv`; install it only when missing.
	$(PYTHON) -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip "setuptools<81" wheel
	@# xstatic-bootstrap (Bootstrap CSS served locally) is an sdist that imports pkg_resources.
	$(BIN)/pip install -q --no-build-isolation $$(grep -E '^xstatic-bootstrap==' requirements.txt)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): $(APP_STAMP) requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

browser: ## Debian's Chromium for the real-browser tests (never `playwright install`)
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }

dbservers: ## PostgreSQL 15 and MariaDB 10.11 binaries for the database tests (started by the tests)
	@test -x /usr/lib/postgresql/15/bin/initdb -a -x /usr/sbin/mariadbd || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 mariadb-server; }

seed: $(APP_STAMP) ## (re)create the demo service databases
	$(BIN)/python -m simulator seed

etl: $(APP_STAMP) ## one ETL pass over all streams
	$(BIN)/python -m etl run

bench: $(APP_STAMP) dbservers ## speed figures incl. a throwaway PostgreSQL store (printed, never asserted in tests)
	$(BIN)/python -m bench

screenshots: $(DEV_STAMP) browser ## every page at 1920x1080 and 3840x2160 into artifacts/screens
	$(BIN)/python -m tests.browser.screenshots

reset: ## delete the demo databases and the store (recreated by `make run`)
	rm -rf data/sources data/analytics.duckdb data/analytics.duckdb.wal

clean: reset
	rm -rf $(VENV) artifacts .pytest_cache
