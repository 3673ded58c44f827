# The two commands a newcomer needs are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test bench lint format translations messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet --editable ".[dev]"
	touch $@

$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet --editable ".[bench]"
	touch $@

# Compile the Vietnamese catalogue with Babel, so no system gettext is needed.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics --directory locale --domain django

run: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_admin_units
	$(PY) manage.py load_demo_data
	@echo "Portal: http://$(HOST)/"
	$(PY) manage.py runserver $(HOST)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint translations
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(VENV)/bin/pytest

# Benchmarks at city and national scale and the load test; never part of `make test`.
# Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432); see bench/run.py.
bench: $(VENV)/.bench-installed translations
	$(PY) -m bench.run

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-extract source strings into locale/vi (needs GNU gettext: apt-get install gettext).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale vi --no-obsolete --ignore ".venv/*" --ignore "static/*"

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
