# The two commands: `make run` starts the portal, `make test` runs the test suite.
# Both create .venv (Python 3.11) if missing and install requirements only when they changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV_BIN := .venv/bin
CORES := $(shell nproc 2>/dev/null || echo 1)
# One pytest worker per core; a module's tests stay together on one worker (--dist loadfile).
XDIST := $(if $(filter-out 0 1,$(CORES)),-n auto --dist loadfile,)
# Extra arguments for pytest, e.g. make test PYTEST_ARGS='-m "not browser"'
PYTEST_ARGS ?=

.PHONY: help run test lint bench messages clean stack stack-stop stack-status stack-smoke

help:
	@echo "make run       start the portal (web, Celery worker, Celery beat) on http://127.0.0.1:8000/"
	@echo "make test      run the test suite (PYTEST_ARGS='...' passes arguments to pytest)"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make bench     load benchmark on PostgreSQL + Redis (BENCH_SCALES=10000,100000,1000000)"
	@echo "make stack     the production shape here: nginx (TLS) + gunicorn + Celery + PostgreSQL + Redis"
	@echo "make stack-stop   stop it (make stack-status: what runs; make stack-smoke: CI's smoke test)"
	@echo "make messages  update locale/zh_Hans/LC_MESSAGES/django.po from the sources"
	@echo "make clean     remove caches and compiled files (keeps .venv and the data in var/)"

run:
	@scripts/run.sh

# pytest exits 5 when it collects no tests; make reports that as a failure like any other.
test:
	@scripts/install-system-packages.sh --browser --docs --broker
	@scripts/ensure-venv.sh requirements-dev.txt
	@scripts/ensure-node-tools.sh
	@scripts/compile-messages.sh
	$(VENV_BIN)/pytest $(XDIST) $(PYTEST_ARGS)

lint:
	@scripts/ensure-venv.sh requirements-dev.txt
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .

bench:
	@scripts/ensure-venv.sh requirements-dev.txt
	@scripts/bench.sh

stack:
	@scripts/stack.sh start

stack-stop:
	@scripts/stack.sh stop

stack-status:
	@scripts/stack.sh status

stack-smoke:
	@scripts/stack-smoke.sh

messages:
	@scripts/ensure-venv.sh requirements-dev.txt
	$(VENV_BIN)/python manage.py makemessages --locale zh_Hans --no-location \
		--ignore .venv --ignore var --ignore node_modules --ignore tests

clean:
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
	find . -path ./.venv -prune -o -type f -name '*.mo' -exec rm -f {} +
	rm -rf .pytest_cache .ruff_cache test-artifacts var/staticfiles var/log
