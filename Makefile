# Two commands: `make run` (portal with demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test lint pytest browser pdf bench wrk load faults clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools<81" wheel
	$(BIN)/pip install --quiet --no-build-isolation XStatic-Bootstrap==5.3.8.0
	$(BIN)/pip install --quiet --no-build-isolation -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The worker sends the queued mails (printed on this console) beside the server, and stops
# with it: Ctrl+C reaches both, the trap ends the worker whatever way the server ends.
run: install pdf
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data --host $(HOST)
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST)

# Debian's Chromium drives the browser tests; a test tool's own browser download fails here.
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# WeasyPrint (the building blocks' PDF, drawn in the worker and by `manage.py bouwstenen`)
# needs Debian's Pango, HarfBuzz's subsetter and a font; installed like Chromium when missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf:
	@dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null)

lint: install
	$(BIN)/ruff check .
	$(BIN)/vulture

pytest: install browser pdf
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=portaal.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)
	@echo "Schermafdrukken van elke pagina (390 en 1280 px breed): $(CURDIR)/schermafdrukken"

test: lint pytest

# The HTTP benchmark loads gunicorn with wrk (Debian package).
wrk:
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

bench: install wrk pdf
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

# Load and faults run gunicorn on a throwaway database of this PostgreSQL server (README).
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

load: install
	DATABASE_URL=$(LOAD_DATABASE_URL) $(BIN)/python -m tests.load.registraties --write $(LOAD_ARGS)

faults: install
	$(BIN)/python -m tests.load.faults $(FAULTS_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
