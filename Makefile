# Conventions UNML: `make run` serves the demo, `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
ASSETS := node_modules/.package-lock.json
EMBEDDED_DB := sqlite:///$(CURDIR)/var/test-embedded.sqlite3

.PHONY: run serve-production test install lint check-migrations db clean bench bench-data

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py create_demo_accounts
	$(PY) manage.py runserver 127.0.0.1:8000

# The production settings on this machine, behind nothing: SECRET_KEY, ALLOWED_HOSTS and
# DATABASE_URL come from the environment or .env (docs/deployment.md); over plain HTTP, also
# SECURE_SSL_REDIRECT=False.
serve-production: export DJANGO_SETTINGS_MODULE = config.settings.production
serve-production: install
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn --config config/gunicorn.conf.py config.wsgi

test: install lint check-migrations db
	scripts/system-packages.sh browser
	DATABASE_URL=$(EMBEDDED_DB) $(VENV)/bin/pytest -m embedded -p no:randomly --create-db -q
	$(VENV)/bin/pytest --create-db

# Benchmarks (docs/performance.md) on a database of generated data, made once by `make bench-data`
# (100 000 conventions, about 5 minutes). Both write into it: give them one you can throw away.
BENCH_DB ?= conv_bench
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)

bench-data: install db
	psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py generate_data --conventions 100000

bench: install db
	scripts/system-packages.sh bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/throughput.py
	$(PY) bench/pdf.py

install: $(STAMP) $(ASSETS)

$(PY):
	scripts/system-packages.sh python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	scripts/system-packages.sh python
	$(PY) -m pip install --quiet --editable ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

$(ASSETS): package.json package-lock.json
	scripts/system-packages.sh node
	npm ci --no-audit --no-fund --loglevel=error

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: install
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run

db:
	scripts/ensure-postgres.sh

clean:
	rm -rf $(VENV) node_modules var staticfiles
