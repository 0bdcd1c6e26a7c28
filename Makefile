# topp25 — two commands for a new machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# serve-prod: worker processes, the address, the largest WebSocket frame accepted (our
# messages are a few KB; uvicorn's default 16 MiB let idle sockets grow a worker to GBs), and
# per-message deflate (measured in bench/README.md: off is faster and uses less memory per socket).
HOST ?= 127.0.0.1
WORKERS ?= 2
WS_DEFLATE ?= false
ASGI_APP ?= topp25.asgi:application
STAMP := $(VENV)/.installed

.PHONY: run test setup lock pdf-libs migrate demo serve serve-prod check check-deploy lint typecheck bench bench-storm messages clean

run: setup migrate demo serve

# The virtual environment installs exactly the locked versions (requirements.lock, from
# pyproject.toml through `make lock`), then the project itself without dependencies; it is
# brought up to date when pyproject.toml or the lock changes.
$(STAMP): pyproject.toml requirements.lock
	@PYTHON=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON"; "$$PYTHON" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# Regenerates requirements.lock from pyproject.toml (runtime and dev dependencies) with
# pip-tools in a throwaway virtual environment, resolved on Python 3.12, the oldest we support
# (the same pins install on 3.13; tests/test_lock.py checks the lock covers pyproject.toml).
LOCK_VENV := $(VENV)-lock
lock:
	@PYTHON=$$( (p=$$(pyenv prefix 3.12 2>/dev/null | head -n 1) && [ -n "$$p" ] && echo "$$p/bin/python3") \
		|| command -v python3.12) || { echo "make lock needs Python 3.12"; exit 1; }; \
	rm -rf $(LOCK_VENV) && "$$PYTHON" -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check 'pip-tools>=7.4,<8'
	$(LOCK_VENV)/bin/pip-compile --quiet --upgrade --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf $(LOCK_VENV)

# Test-only packages (axe-core, vnu-jar: the Nu HTML Checker) from the npm registry; without
# npm the accessibility and HTML checks say so and skip (CI has npm and requires them).
# --ignore-scripts: vnu-jar's postinstall would download a JDK from GitHub when Java is
# missing; the checker uses the system's Java (.ci/run installs it), or skips.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility checks and the HTML check will be skipped."; fi

# The PDF export needs Pango, HarfBuzz and a font from the system (Debian has them); this
# stops with the packages to install when they are missing.
pdf-libs: $(STAMP)
	@scripts/check-pdf-libs $(PY)

setup: $(STAMP) node_modules/.package-lock.json pdf-libs

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	PORT=$(PORT) $(PY) manage.py seed_demo

# Static files as production sends them (minified, hashed, brotli/gzip: topp25/storage.py),
# collected again when a static file, the storage or the installed packages changed (~6 s).
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(STAMP) topp25/storage.py $(shell find static -type f 2>/dev/null)
	STATIC_COLLECTED=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

# One ASGI process serves HTTP and WebSockets (SQLite + in-memory channel layer by default).
serve: setup $(STATIC_MANIFEST)
	STATIC_COLLECTED=1 $(PY) -m uvicorn topp25.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off \
		--no-access-log \
		$$($(PY) -m topp25.limits)

# The production shape: WORKERS uvicorn processes on one port against DATABASE_URL
# (PostgreSQL, psycopg's pool: DB_POOL_MAX_SIZE per worker, 80 / WORKERS unless given, so all
# workers stay below max_connections = 100) and REDIS_URL. Set DEBUG=0 and SECRET_KEY as in
# README.md › Production. bench/run.py starts its production servers through this target.
# Behind a reverse proxy uvicorn believes X-Forwarded-For/-Proto from FORWARDED_ALLOW_IPS
# only (uvicorn's own variable; default 127.0.0.1, a proxy on this machine).
serve-prod: setup
	@if [ -z "$$DATABASE_URL" ] || [ -z "$$REDIS_URL" ]; then \
		echo "serve-prod needs DATABASE_URL (PostgreSQL) and REDIS_URL, see README.md."; exit 1; fi
	$(PY) manage.py migrate --noinput
	STATIC_COLLECTED=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	@# Prometheus' multiprocess mode (topp25/metrics.py): the workers' files start empty.
	@if [ -n "$$PROMETHEUS_MULTIPROC_DIR" ]; then mkdir -p "$$PROMETHEUS_MULTIPROC_DIR" && \
		find "$$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete; fi
	STATIC_COLLECTED=1 DB_POOL_MAX_SIZE=$${DB_POOL_MAX_SIZE:-$$(( 80 / $(WORKERS) ))} exec $(PY) -m uvicorn $(ASGI_APP) \
		--host $(HOST) --port $(PORT) --workers $(WORKERS) --lifespan off --no-access-log \
		$$($(PY) -m topp25.limits) --ws-per-message-deflate $(WS_DEFLATE)

# The suite runs in one process per core (pytest-xdist): much of it waits on browsers, sockets
# and servers, so two processes on two cores take about half the time of one.
TEST_WORKERS ?= auto
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy topp25 meetings groups summary swedish screens

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

# The real path, phones and screens over HTTP and WebSockets; QUICK=1: one meeting only.
# Without QUICK the storm (3,000 phones, a phase change, a killed worker) runs too.
bench: setup
	$(PY) bench/run.py $(if $(QUICK),--quick)
	$(if $(QUICK),,$(PY) bench/storm.py)

bench-storm: setup
	$(PY) bench/storm.py

messages: setup
	$(PY) manage.py makemessages -l en --no-obsolete -e html,txt,py,md \
		--ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache
