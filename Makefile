# The two commands a newcomer needs: `make run` serves the portal with demo
# data on http://127.0.0.1:8000, `make test` runs the fast tier of the suite.
# Both set up what is missing first, from the lock files (uv.lock,
# package-lock.json); stamp files keep re-runs fast, so uv and npm only run
# again when a lock file changes.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The Python that creates .venv: the pyenv version named in .python-version if
# installed, else the newest python3 on PATH. Override with PYTHON=/path/to/python.
PYENV_PYTHON := $(HOME)/.pyenv/versions/$(shell cat .python-version 2>/dev/null)/bin/python
PYTHON ?= $(firstword $(wildcard $(PYENV_PYTHON)) $(shell command -v python3.13 python3.12 python3 2>/dev/null))

VENV := .venv
# uv installs the Python packages exactly as uv.lock pins them, hashes checked.
# Keep this version equal to the one pyproject.toml pins ([tool.uv] and the dev group).
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
# uv works in the .venv made here, with its Python, whatever .python-version asks for.
UV_ENV := UV_PYTHON=$(VENV)/bin/python UV_LINK_MODE=copy
SYNC_STAMP := $(VENV)/.synced-from-lock
NPM_STAMP := node_modules/.installed-from-lockfile
FRONTEND := static/build/portal.css
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=

# The front end builds with Node.js 22 or newer (package.json "engines"). Where the
# node on PATH is older or missing, make fetches Node.js 24 from the npm registry
# (the `node` package, NODE_VERSION) into .node/ and builds with that one.
NODE_VERSION := 24.21.0
NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
ifneq ($(shell test "$(NODE_MAJOR)" -ge 22 2>/dev/null && echo ok),ok)
LOCAL_NODE := .node/node_modules/.bin/node
export PATH := $(CURDIR)/.node/node_modules/.bin:$(PATH)
endif

.PHONY: help run test test-all lint lock check-lock worker beat clean setup check-python check-broker chromium bench

help:
	@echo "make run       set up, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test      set up, then the fast tier: every test not marked slow (PYTEST_ARGS=... to narrow it)"
	@echo "make test-all  set up, then the whole suite, slow tests included (what CI runs)"
	@echo "make lint      uv.lock in step, ruff, makemigrations --check, import contracts, mypy, djlint"
	@echo "make lock      update uv.lock after a change to pyproject.toml's dependencies"
	@echo "make worker    a Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat      Celery beat, the scheduler (needs CELERY_BROKER_URL)"
	@echo "make bench     every benchmark on this machine, table in bench/RESULTS.md (about 10 minutes)"
	@echo "make clean     remove .venv, .node, node_modules and built static files"

run: setup
	$(VENV)/bin/python manage.py migrate --noinput
	$(VENV)/bin/python manage.py load_demo
	$(VENV)/bin/python manage.py runserver 127.0.0.1:8000

# The slow tier (subprocesses, gunicorn, Celery workers, the browser, the state
# machine, the fault tests) is chosen in tests/tiers.py.
test: setup chromium
	$(VENV)/bin/pytest -m "not slow" $(PYTEST_ARGS)

test-all: setup chromium
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The lock is checked before anything is installed from it. Then one check a
# line; each must pass.
lint: check-python check-lock $(SYNC_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint

check-lock: check-python $(UV)
	@$(UV_ENV) $(UV) lock --check --quiet || { echo "uv.lock is out of step with pyproject.toml: run make lock, and commit uv.lock." >&2; exit 1; }

lock: check-python $(UV)
	$(UV_ENV) $(UV) lock

worker: check-python $(SYNC_STAMP) check-broker
	$(VENV)/bin/celery -A collaborative worker --loglevel INFO

# The schedule file lives in .venv: out of git, and `make clean` removes it.
beat: check-python $(SYNC_STAMP) check-broker
	$(VENV)/bin/celery -A collaborative beat --loglevel INFO --schedule $(VENV)/celerybeat-schedule

# Without a broker the web process runs tasks itself, so a worker would have
# nothing to do; say so rather than let Celery try RabbitMQ's default address.
check-broker:
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL first, e.g. export CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (for make run too)." >&2; exit 1; }

clean:
	rm -rf $(VENV) .node node_modules static/build staticfiles *.egg-info

setup: check-python $(SYNC_STAMP) $(FRONTEND)

check-python:
	@test -n "$(PYTHON)" || { echo "No Python found. The portal needs Python 3.12 or newer: install one, or run make with PYTHON=/path/to/python3.12." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
		echo "$(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null || echo '(not runnable)'); the portal needs Python 3.12 or newer (Django 6.1)." >&2; \
		echo "Install Python 3.12+ and run make with PYTHON=/path/to/python3.12, or rm -rf $(VENV) if it was made by an older Python." >&2; \
		exit 1; }

$(VENV)/bin/python: | check-python
	$(PYTHON) -m venv $(VENV)

$(UV): | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# --locked: a uv.lock out of step with pyproject.toml stops here, with uv's
# message (run `make lock`), rather than installing what pyproject.toml no longer says.
$(SYNC_STAMP): uv.lock pyproject.toml | $(UV)
	$(UV_ENV) $(UV) sync --locked --quiet
	touch $@

.node/node_modules/.bin/node:
	@command -v npm >/dev/null || { echo "The front-end build needs Node.js 22+ with npm: https://nodejs.org/" >&2; exit 1; }
	@echo "node on PATH is $(or $(NODE_MAJOR),missing), the front end needs 22 or newer: fetching Node.js $(NODE_VERSION) into .node/"
	npm install --prefix .node --no-save --no-audit --no-fund node@$(NODE_VERSION)

$(NPM_STAMP): package-lock.json package.json | $(LOCAL_NODE)
	@command -v npm >/dev/null || { echo "The front-end build needs Node.js 22+ with npm: https://nodejs.org/" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

$(FRONTEND): $(NPM_STAMP) $(shell find static/scss -name '*.scss' 2>/dev/null)
	npm run build

# Browser tests drive Debian's Chromium. Installed only where we may (root
# with apt); apt-get waits for a lock another install holds.
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get -o DPkg::Lock::Timeout=600 install -y chromium \
		|| { apt-get -o DPkg::Lock::Timeout=600 update && apt-get -o DPkg::Lock::Timeout=600 install -y chromium; }; \
	else \
		echo "Browser tests need Chromium at $(CHROMIUM); install it with: sudo apt-get install chromium" >&2; \
	fi

# Every benchmark against a production-shaped stack on this machine (gunicorn,
# PostgreSQL, Redis, Celery, an SMTP sink), all on 127.0.0.1, in under 15 minutes;
# prints one table and writes it to bench/RESULTS.md. Pages are loaded with wrk,
# installed here where we may (root with apt), else with bench's own Python client.
bench: setup
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get -o DPkg::Lock::Timeout=600 install -y wrk \
		|| { apt-get -o DPkg::Lock::Timeout=600 update && apt-get -o DPkg::Lock::Timeout=600 install -y wrk; }; \
	fi
	$(VENV)/bin/python -m bench all
