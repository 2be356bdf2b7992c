# CareMentor: `make run` to try it, `make test` to test it.
-include .env
# Development defaults; production is configured by the environment, not by make.
DJANGO_DEBUG ?= True
export

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run serve release test check lint format typecheck migrations-check worker scheduler bench seed pin messages translations clean prod-smoke fuzz

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0; fi
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

seed: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo

# The task worker of whichever backend the environment chose (RQ with REDIS_URL, else the
# database), and the periodic duties' scheduler.
worker: $(STAMP)
	$(PY) manage.py worker

scheduler: $(STAMP)
	$(PY) manage.py scheduler

# The production process model (Procfile) on this machine, against whatever services the
# environment names (DATABASE_URL, REDIS_URL, CAREMENTOR_S3_*): release, then web (gunicorn
# on $$PORT, default 8000), worker and scheduler under honcho.
release: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0

serve: release
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$${PORT:-8000} $(BIN)/honcho -f Procfile start web worker scheduler

# Two web nodes behind nginx, two workers, the scheduler, a private PostgreSQL, Redis and an
# S3 server on loopback; kills a node, a worker and the database on the way (deploy/smoke.py).
prod-smoke: $(STAMP)
	$(PY) deploy/smoke.py

test: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0; fi
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

# Schemathesis over the whole API: `make test` runs 25 examples an operation, this runs 500.
fuzz: $(STAMP)
	CAREMENTOR_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(BIN)/pytest -n $${PYTEST_WORKERS:-2} carementor/tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy carementor

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# The share of translated strings per language; fails below 100 % (see docs/translating.md).
translations: $(STAMP)
	$(PY) manage.py translation_status --fail-under 100

check: lint typecheck migrations-check translations test

bench: $(STAMP)
	$(PY) -m benchmarks $(BENCH_ARGS)

messages: $(STAMP)
	$(PY) manage.py makemessages -l hi --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

pin: $(STAMP)
	@echo "Re-pin by installing requirements.in and requirements-dev.in into a fresh venv and freezing."

clean:
	rm -rf $(VENV) var/*.sqlite3
