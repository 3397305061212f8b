# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/loyalty
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite install migrate demo check schema client bench bench-codes cluster clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## make run: set up, migrate the embedded SQLite database, seed demo data, serve on 127.0.0.1:8000 with one
## webhook worker and the periodic points run beside it (Procfile, run by honcho; Ctrl-C stops them all).
## Local webhook receivers are allowed (development only).
run: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py collectstatic --no-input -v0
	DEBUG=true $(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)
	PATH=$(abspath $(BIN)):$$PATH DEBUG=true WEBHOOK_ALLOW_HTTP=true WEBHOOK_ALLOW_PRIVATE_URLS=true \
		RUN_HOST=$(HOST) RUN_PORT=$(PORT) $(BIN)/honcho start -f Procfile

## make test: set up and run the whole suite on PostgreSQL (DATABASE_URL, default $(PG_URL))
test: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/python -m pytest --create-db $(PYTEST_ARGS)

## make test-sqlite: the same suite on the embedded SQLite database (PostgreSQL-only tests skipped)
test-sqlite: install
	env -u DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)

## make check: lint (ruff, pyproject.toml), Django's checks, migrations match the models, the OpenAPI schema
## validates (spectacular --validate --fail-on-warn) and the committed schema and SDK (clients/) are current
# makemigrations --check runs on the embedded database, which always exists (the PostgreSQL
# one may not yet, and Django would warn that it cannot check the migration history).
check: install
	$(BIN)/ruff check .
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} DEBUG=true $(BIN)/python manage.py check
	env -u DATABASE_URL DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python clients/build.py --check

## make client: regenerate clients/openapi.yaml and the Python SDK generated from it (clients/python/);
## run it after any change to the API, and commit clients/ with the change (make check fails until then)
client: install
	$(BIN)/python clients/build.py

## make cluster: the platform as many nodes on this machine (scripts/cluster.py): PostgreSQL primary and
## streaming replica, Redis, two gunicorn nodes behind HAProxy (health-checked on /healthz), two webhook
## workers and the periodic points run; prints the URL, Ctrl-C stops it all. PORT (default 8000) is HAProxy's.
cluster: install
	$(BIN)/python scripts/cluster.py --port $(PORT)

## make bench: redemption throughput next to the PL/pgSQL baseline on PostgreSQL (bench/README.md, ~13 min)
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/codes.py

## make bench-codes: reward codes only: 100,000 codes uploaded through the API, hot CODES reward vs hot reward (~2 min)
bench-codes: install
	$(BIN)/python bench/codes.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache
