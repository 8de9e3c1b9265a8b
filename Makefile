# The two set-up commands: `make demo` and `make test`. Both install what they need first,
# and skip what is already done on a second run.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PEOPLE ?= 600
SEED ?= 1
BENCH_PEOPLE ?= 50000
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.PHONY: demo test install install-idp lint check serve worker beat bench chaos clean-demo

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

# The OpenID provider the sign-in tests start (tests/idp/, node-oidc-provider), where npm is.
IDP_STAMP := tests/idp/node_modules/.installed
$(IDP_STAMP): tests/idp/package-lock.json
	cd tests/idp && npm ci --no-audit --no-fund --silent
	@touch $@

# The learning record store the xAPI tests start (tests/lrs/: Ralph, from PyPI), in a virtual
# environment of its own (its pins clash with the lock). Where it cannot be installed (no
# network) those tests are skipped and say why; with REQUIRE_ALL=1 (CI) that is an error.
LRS_VENV := tests/lrs/.venv
LRS_STAMP := $(LRS_VENV)/.installed
$(LRS_STAMP): tests/lrs/requirements.txt
	@test -x $(LRS_VENV)/bin/python || $(PYTHON) -m venv $(LRS_VENV)
	@if $(LRS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/lrs/requirements.txt; then \
		touch $@; \
	elif [ "$$REQUIRE_ALL" = 1 ]; then \
		echo "could not install the test LRS (tests/lrs/requirements.txt)"; exit 1; \
	else \
		echo "could not install the test LRS: the xAPI tests that need it will be skipped"; \
	fi

install: $(STAMP)

install-idp: $(IDP_STAMP)

demo: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --people $(PEOPLE) --seed $(SEED)
	$(MANAGE) setup_periodic_tasks
	$(MANAGE) runserver 127.0.0.1:$(PORT) --noreload

test: $(STAMP) $(LRS_STAMP) $(if $(shell command -v npm),$(IDP_STAMP))
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: $(STAMP)
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cms.settings.production \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DJANGO_ALLOWED_HOSTS=lms.force.example CACHE_URL=redis://127.0.0.1:6379/1 \
		$(MANAGE) check --deploy --fail-level WARNING

# A Celery worker and exactly one beat against local Redis (production runs them as two services).
worker: $(STAMP)
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A cms worker --beat -l info

# Every benchmark on PostgreSQL and Redis; each builds its own synthetic force in a scratch
# database and reports ratios against raw SQL run in the same process.
BENCH_ENV := DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/inclusion_lms_bench} \
	CELERY_BROKER_URL=$${BENCH_BROKER_URL:-redis://127.0.0.1:6379/8}

bench: $(STAMP)
	$(BENCH_ENV) $(MANAGE) bench --people $(BENCH_PEOPLE)
	$(BENCH_ENV) $(MANAGE) bench_reporting --people $(BENCH_PEOPLE)
	$(BENCH_ENV) $(MANAGE) bench_reminders --people $(BENCH_PEOPLE)
	$(BENCH_ENV) $(MANAGE) bench_retention --people $(BENCH_PEOPLE)

# The chaos suite (README, "Chaos"): its own PostgreSQL cluster and Redis on free ports, a real
# worker and beat, a force of CHAOS_PEOPLE (2500); kills, stops and restarts them while the day's
# reminders go out, and fails on any message duplicated, missing or recovered too slowly.
chaos: $(STAMP)
	$(BIN)/python -m tests.chaos

clean-demo:
	rm -f var/db.sqlite3
