# Two commands: `make run` (portal with demo data on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test lint pytest browser bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools<81" wheel
	$(BIN)/pip install --quiet --no-build-isolation XStatic-Bootstrap==5.3.8.0
	$(BIN)/pip install --quiet --no-build-isolation -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py runserver $(HOST)

# Debian's Chromium drives the browser tests; a test tool's own browser download fails here.
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

lint: install
	$(BIN)/ruff check .

pytest: install browser
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=portaal.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint pytest

bench: install
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
