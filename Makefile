# Two entry points: `make run` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export SUMMITRY_DATA_DIR ?= $(CURDIR)/var
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
PORT ?= 8000

.PHONY: run test setup system python-env node-env iati-schemas messages compile-messages lint typecheck pytest pytest-postgres pytest-scale demo clean

run: setup
	$(PY) -m summitry.cli secret-key
	$(PY) -m summitry.cli migrate
	$(PY) -m summitry.cli demo
	$(PY) -m summitry.cli serve --port $(PORT)

test: setup lint typecheck pytest pytest-postgres pytest-scale

setup: system python-env node-env compile-messages
# The IATI 2.03 schemas the assistance export is validated against (unpacked once, then offline).
setup: iati-schemas

system:
	@scripts/ensure-system-packages.sh

python-env: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

# The .mo files are built from the committed .po catalogues, never committed themselves.
compile-messages: python-env
	cd src/summitry && env -u DJANGO_SETTINGS_MODULE $(abspath $(PY)) -m django compilemessages --verbosity 0

# After marking a string: every catalogue brought up to date with the source (docs/i18n.md).
messages: python-env
	$(PY) -m summitry.web.catalogues

iati-schemas: python-env
	@scripts/fetch-iati-schemas.sh $(PY) $(VENV)/share/iati/2.03

node-env: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: python-env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: python-env
	$(VENV)/bin/mypy src tests benchmarks

pytest: setup
	$(PY) -m pytest

# The integration tests again, against a real PostgreSQL server started for the run
# (those that touch the database: Janus and the browser have had their run).
pytest-postgres: setup
	scripts/with-postgres.sh $(PY) -m pytest -m "integration and not e2e and not janus" -p no:cacheprovider

# Two uvicorn workers sharing that PostgreSQL server and a throw-away Redis.
pytest-scale: setup
	scripts/with-postgres.sh scripts/with-redis.sh $(PY) -m pytest -m scale -p no:cacheprovider

clean:
	rm -rf $(VENV) node_modules var test-artifacts
