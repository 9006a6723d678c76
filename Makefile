# The two commands of the README: `make run` and `make test`.
# Both set up what they need on a fresh clone.
# `make serve` runs the production setup (gunicorn, DEBUG off) on one machine.

VENV := .venv
PY := $(VENV)/bin/python
# The first Python >= 3.12 found: python3.13, python3.12, then pyenv's.
PYTHON ?= $(shell for p in python3.13 python3.12 \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) \
	$(wildcard /root/.pyenv/versions/3.13*/bin/python3) \
	$(wildcard /root/.pyenv/versions/3.12*/bin/python3); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

# Where `make run` and `make serve` listen, and how many gunicorn workers serve.
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3

.PHONY: run serve test lint format migrations-check venv clean bench bench-mixed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found: install python3.13 or set PYTHON=/path/to/python3.12+" >&2; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

# axe-core, which the browser tests inject into pages to check accessibility.
NODE_DEPS := tests/browser/node_modules/.installed
$(NODE_DEPS): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

run: venv
	DJANGO_DEBUG=true $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=true $(PY) manage.py load_demo
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# Production settings: DEBUG off, so DJANGO_SECRET_KEY must be set (see README,
# "Deploying"); static files collected into STATIC_ROOT with hashed, compressed
# names that whitenoise serves with far-future caching.
serve: venv
	@DJANGO_DEBUG=false $(PY) -m config.startup
	DJANGO_DEBUG=false $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=false $(PY) manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=false $(VENV)/bin/gunicorn config.wsgi \
		--bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --error-logfile -

test: venv $(NODE_DEPS) lint migrations-check
	$(PY) -m pytest

# ruff, then the layers of pyproject.toml's [tool.importlinter] contracts.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

bench: venv
	$(PY) bench/pages.py

# Readers, editors and reviewers at once against gunicorn on PostgreSQL
# (BENCH_DATABASE_URL, a scratch database it creates and drops); MINUTES long.
MINUTES ?= 3
bench-mixed: venv
	$(PY) bench/mixed_load.py --minutes $(MINUTES) --workers $(WORKERS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .import_linter_cache \
		tests/browser/node_modules
