# The README's two commands: `make run` (demo on SQLite) and `make test` (everything CI runs);
# `make serve` (production server, README "Deploy") and `make bench` (docs/performance.md).
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The first Python >= 3.12 on this machine (Django 6 refuses older ones).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
APT_PACKAGES := gettext fonts-dejavu-core fonts-dejavu-extra fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0
APT_TEST_PACKAGES := postgresql chromium poppler-utils libreoffice-writer-nogui
# Each run ends with its slowest tests: the suite must stay under 10 minutes (README, Testing).
PYTEST := $(BIN)/pytest --durations=25

.PHONY: run serve bench setup install system-packages system-test-packages assets static messages lint test test-sqlite test-postgres

run: setup
	@$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py db_worker & trap 'kill $$!' EXIT; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# gunicorn and a task worker with DEBUG off, on PostgreSQL: DATABASE_URL's, or when it is unset
# a throwaway one with the demo data, removed on exit (deploy/serve).
serve: install assets messages static
	BIND=$${BIND:-127.0.0.1:$(PORT)} deploy/serve

# Builds the scale data on SQLite and on a throwaway PostgreSQL and writes docs/performance.md.
bench: install assets messages static system-test-packages
	$(BIN)/python benchmarks/scale.py --out docs/performance.md

setup: install assets messages static
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py load_demo_plans

# Debian packages the app needs (root only; skipped when already present).
system-packages:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); }

system-test-packages: system-packages
	@dpkg -s $(APT_TEST_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_TEST_PACKAGES); }

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found: install python3.12 or set PYTHON=" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: system-packages $(VENV)/.installed

node_modules/.package-lock.json: package.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json

# Collected as production serves them (hashed names and a manifest); development reads the sources.
static: install assets staticfiles/staticfiles.json

# Collected again only when a source changed: hashing and compressing a thousand files takes
# half a minute, which every `make test` paid.
staticfiles/staticfiles.json: $(shell find static */static -type f 2>/dev/null) ilo_tracker/settings.py \
		node_modules/.package-lock.json $(VENV)/.installed
	DEBUG=false SECRET_KEY=collectstatic-only $(BIN)/python manage.py collectstatic --no-input -v0
	touch $@

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v1

# The two databases' runs side by side, and lint beside them, each one's output printed whole
# when it ends: much of a run waits on its servers, task workers and browser, which the other
# jobs fill. Any of the three failing fails `make test`.
test: system-test-packages install assets messages static
	$(MAKE) --no-print-directory -j3 --output-sync=target lint test-sqlite test-postgres
	@echo "All checks and both test runs passed."

test-sqlite:
	$(PYTEST)

# A real PostgreSQL on loopback, started for the run and removed after it.
test-postgres:
	bin/with-postgres $(PYTEST)
