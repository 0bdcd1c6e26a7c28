# topp25 — two commands for a new machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test setup migrate demo serve check lint typecheck bench messages clean

run: setup migrate demo serve

# The virtual environment is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	@PYTHON=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON"; "$$PYTHON" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# Test-only browser packages (axe-core) from the npm registry; without npm the
# accessibility checks say so and skip (CI has npm and requires them).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility checks in the browser tests will be skipped."; fi

setup: $(STAMP) node_modules/.package-lock.json

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	PORT=$(PORT) $(PY) manage.py seed_demo

# One ASGI process serves HTTP and WebSockets (SQLite + in-memory channel layer by default).
serve: setup
	$(PY) -m uvicorn topp25.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off \
		$$($(PY) -m topp25.limits)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy topp25 meetings groups summary

check: lint typecheck test

bench: setup
	$(PY) bench/fanout.py

messages: setup
	$(PY) manage.py makemessages -l en --no-obsolete -e html,txt,py,md \
		--ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache
