# Two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails, letters and calendar files point where `make run` listens, unless
# STAFETT_SITE_URL names another address (another machine, a proxy in front).
STAFETT_SITE_URL ?= http://$(HOST):$(PORT)
STAFETT_VAR_DIR ?= var
# The demo's e-mails go to files, one each, so the worker never scrolls the logins away.
EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH ?= $(STAFETT_VAR_DIR)/mail
# A local stand-in for ID-porten (tools/oidc-provider, the npm package oidc-provider) runs
# beside the demo, so that *Logg inn med ID-porten* works on a newcomer's machine.
OIDC_PORT ?= 9000
OIDC_ISSUER := http://$(HOST):$(OIDC_PORT)
# Development defaults for `make run`; production sets its own environment (docs/deployment.md).
RUN_ENV := STAFETT_DEBUG=1 STAFETT_DEMO=1 STAFETT_REQUIRE_2FA=$${STAFETT_REQUIRE_2FA:-0} \
	STAFETT_SITE_URL='$(STAFETT_SITE_URL)' STAFETT_VAR_DIR='$(STAFETT_VAR_DIR)' \
	EMAIL_BACKEND='$(EMAIL_BACKEND)' EMAIL_FILE_PATH='$(EMAIL_FILE_PATH)' \
	STAFETT_IDPORTEN_ISSUER='$(OIDC_ISSUER)' STAFETT_IDPORTEN_CLIENT_ID=stafettlogg-demo \
	STAFETT_IDPORTEN_CLIENT_SECRET=demo-secret-not-for-production
TEST_ENV := STAFETT_DEBUG=1

.PHONY: run test bench bench-export setup static messages lint typecheck typed-share format clean

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
	mkdir -p var $(STAFETT_VAR_DIR)/archive

run: setup
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	@# The e-mail worker and the local ID-porten run beside the server and stop with it
	@# (R-SEC-04, R-SEC-08); the demo logins are printed last, just before the server's lines.
	@logins=$$($(RUN_ENV) $(MANAGE) seed_demo) || exit 1; \
	identities=$$($(RUN_ENV) $(MANAGE) oidc_demo) || exit 1; \
	OIDC_HOST='$(HOST)' OIDC_PORT='$(OIDC_PORT)' OIDC_SITE_URL='$(STAFETT_SITE_URL)' \
		node tools/oidc-provider/server.mjs >'$(STAFETT_VAR_DIR)/oidc-provider.log' 2>&1 & provider=$$!; \
	$(RUN_ENV) $(MANAGE) run_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker $$provider 2>/dev/null; wait $$worker $$provider 2>/dev/null' EXIT INT TERM; \
	echo; echo "Stafettlogg: $(STAFETT_SITE_URL)/"; echo "$$logins"; echo "$$identities"; \
	$(if $(findstring filebased,$(EMAIL_BACKEND)),echo "E-mails (activation links, invitations) \
	are files in $(EMAIL_FILE_PATH)/";) \
	echo "Stop with Ctrl-C."; echo; \
	$(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

# One test process per core (pytest-xdist); PYTEST_WORKERS=0 runs them in this one process.
PYTEST_WORKERS ?= auto
test: setup
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The benchmark (README, "Benchmark"): PostgreSQL when DATABASE_URL names it, at Oslo's scale;
# otherwise a SQLite file in var/ at the demo scale. Data is generated once and kept.
BENCH_SCALE ?= $(if $(DATABASE_URL),oslo,demo)
BENCH_ARGS ?=
BENCH_ENV := DJANGO_SETTINGS_MODULE=bench.settings

bench: setup
	$(BENCH_ENV) $(MANAGE) create_bench_db
	$(BENCH_ENV) $(MANAGE) migrate --noinput -v 0
	$(BENCH_ENV) $(MANAGE) generate_data --scale $(BENCH_SCALE) --if-missing
	$(BENCH_ENV) $(MANAGE) run_bench $(BENCH_ARGS)

# The PDF export of a log with 100 measures (goal: at most 1.5 s of worker CPU), and the log
# page while exports are made beside it.
bench-export: setup
	$(BENCH_ENV) $(MANAGE) create_bench_db
	$(BENCH_ENV) $(MANAGE) migrate --noinput -v 0
	$(BENCH_ENV) $(MANAGE) bench_export $(BENCH_ARGS)

lint: $(BIN)/.installed typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# mypy with django-stubs (config in pyproject.toml); the plugin imports the settings.
typecheck: $(BIN)/.installed
	$(TEST_ENV) $(BIN)/mypy .

# The share of functions (outside tests and migrations) with every annotation.
typed-share:
	$(PY) tools/typed_share.py

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
