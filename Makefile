# Nêu Gương — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PYTHON := $(shell command -v pyenv >/dev/null 2>&1 && pyenv which python3.12 2>/dev/null || command -v python3.12 || command -v python3)
UV := $(PYTHON) -m uv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist); "auto" uses every core.
TEST_WORKERS ?= auto

.PHONY: run serve cluster loadtest test test-fast test-browser test-api lint format install migrate demo worker scheduler bench check-deploy

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --python $(PYTHON) --reinstall-package neuguong
	@touch $@

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo --size bloc --if-empty

run: demo
	@echo "Nêu Gương: http://$(HOST):$(PORT)/  (Ctrl+C để dừng; tiến trình nền chạy kèm)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --queue-name '*' >var/worker.log 2>&1 & \
	  $(PY) manage.py run_scheduler >var/scheduler.log 2>&1 & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# As a deployment runs it (production settings, gunicorn + task worker + scheduler): deploy/serve.sh.
serve: install
	deploy/serve.sh

# Two app servers behind nginx, a PostgreSQL primary and streaming replica, worker and scheduler, all on
# loopback: started, checked (health, replica routing, a server killed) and torn down. Needs root (or the
# postgres user) for PostgreSQL, and nginx.
cluster: install
	$(PY) deploy/cluster.py check $(CLUSTER_ARGS)

# The same cluster at bloc size under a bounded locust load, with one app server killed half-way.
LOADTEST_ARGS ?= --size bloc --users 20 --run-time 60
loadtest: install
	$(PY) deploy/cluster.py loadtest $(LOADTEST_ARGS)

worker: install
	$(PY) manage.py db_worker --queue-name '*'

scheduler: install
	$(PY) manage.py run_scheduler

# The whole suite: unit, integration and browser tests (browser tests skip loudly without Chromium,
# and fail under CI=true).
test: install
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -q -m browser $(PYTEST_ARGS)

# Schemathesis against the OpenAPI (bounded; also part of `make test`): no 5xx, documented codes and bodies.
test-api: install
	$(PY) -m pytest -q -n 0 src/neuguong/core/tests/test_openapi_fuzz.py $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy src/neuguong

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

check-deploy: install
	DJANGO_SETTINGS_MODULE=neuguong.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=neuguong.example.vn $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	bench/with_postgres.sh $(PY) bench/foundation_bench.py
