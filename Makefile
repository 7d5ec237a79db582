# Two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults for `make run`; production sets its own environment (README).
RUN_ENV := STAFETT_DEBUG=1 STAFETT_DEMO=1 STAFETT_REQUIRE_2FA=$${STAFETT_REQUIRE_2FA:-0}
TEST_ENV := STAFETT_DEBUG=1

.PHONY: run test setup static messages lint format clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static: node_modules/.package-lock.json
	mkdir -p static/vendor/designsystemet static/vendor/htmx
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css static/vendor/designsystemet/index.css
	cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css static/vendor/designsystemet/theme.css
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/htmx.min.js

messages: $(BIN)/.installed
	$(TEST_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

setup: $(BIN)/.installed static messages
	mkdir -p var

run: setup
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	$(RUN_ENV) $(MANAGE) seed_demo
	@echo "Stafettlogg: http://$(HOST):$(PORT)/  (e-mail: the worker prints it here)"
	@# The e-mail worker runs beside the server and stops with it (R-SEC-04).
	$(RUN_ENV) $(MANAGE) run_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
