# topp25 — two commands for a new machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test setup pdf-libs migrate demo serve check check-deploy lint typecheck bench messages clean

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

# The PDF export needs Pango, HarfBuzz and a font from the system (Debian has them); this
# stops with the packages to install when they are missing.
pdf-libs: $(STAMP)
	@scripts/check-pdf-libs $(PY)

setup: $(STAMP) node_modules/.package-lock.json pdf-libs

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	PORT=$(PORT) $(PY) manage.py seed_demo

# One ASGI process serves HTTP and WebSockets (SQLite + in-memory channel layer by default).
serve: setup
	$(PY) -m uvicorn topp25.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off \
		--no-access-log \
		$$($(PY) -m topp25.limits)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy topp25 meetings groups summary

check: lint typecheck test

# Django's deployment checklist, with the environment production sets (a throwaway key);
# any warning fails.
check-deploy: setup
	DEBUG=0 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=topp25.example.se CSRF_TRUSTED_ORIGINS=https://topp25.example.se \
	PUBLIC_BASE_URL=https://topp25.example.se TRUST_X_FORWARDED_PROTO=1 \
	SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 \
	SECURE_HSTS_INCLUDE_SUBDOMAINS=1 SECURE_HSTS_PRELOAD=1 \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: setup
	$(PY) bench/fanout.py

messages: setup
	$(PY) manage.py makemessages -l en --no-obsolete -e html,txt,py,md \
		--ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache
