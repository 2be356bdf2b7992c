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

.PHONY: run test check lint format typecheck migrations-check worker bench seed pin messages clean

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
	$(PY) manage.py seed_demo

worker: $(STAMP)
	$(PY) manage.py db_worker

test: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0; fi
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

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

check: lint typecheck migrations-check test

bench: $(STAMP)
	$(PY) -m benchmarks

messages: $(STAMP)
	$(PY) manage.py makemessages -l hi --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

pin: $(STAMP)
	@echo "Re-pin by installing requirements.in and requirements-dev.in into a fresh venv and freezing."

clean:
	rm -rf $(VENV) var/*.sqlite3
