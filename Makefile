# AtlasOS: `make run` serves the demo practice, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# One test process per core (pytest-xdist); TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto
# Links in emails point at the server `make run` starts (`PORT=8123 make run`), unless SITE_URL
# is set. A wildcard bind address is not a place a browser can go: links then use 127.0.0.1.
SITE_HOST = $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST))
SITE_URL ?= http://$(SITE_HOST):$(PORT)

DEMO_PRACTICE := Harbour & Co Bookkeeping
DEMO_EMAIL := partner@harbour.example.com
DEMO_PASSWORD := harbour-demo-2026
DEMO_PORTAL_EMAIL := sarah@whitfield.example.com
DEMO_PORTAL_PASSWORD := whitfield-portal-2026

.PHONY: run test install migrate seed lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("AtlasOS needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	@mkdir -p var/static var/media
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput

seed: migrate
	DEBUG=$${DEBUG:-true} SITE_URL="$(SITE_URL)" $(BIN)/python manage.py seed_demo --practice "$(DEMO_PRACTICE)" \
		--email "$(DEMO_EMAIL)" --password "$(DEMO_PASSWORD)" --clients 40 \
		--portal-email "$(DEMO_PORTAL_EMAIL)" --portal-password "$(DEMO_PORTAL_PASSWORD)"

run: seed
	@echo ""
	@echo "  AtlasOS is starting at http://$(HOST):$(PORT)/ (links in emails: $(SITE_URL)/)"
	@echo "  Sign in as $(DEMO_EMAIL) with the password $(DEMO_PASSWORD)"
	@echo "  Client portal: $(SITE_URL)/portal/sign-in/ as $(DEMO_PORTAL_EMAIL), password $(DEMO_PORTAL_PASSWORD)"
	@echo ""
	@# The periodic jobs (packs, overdue alerts, digests) run beside the server, in-process.
	DEBUG=$${DEBUG:-true} SITE_URL="$(SITE_URL)" $(BIN)/python manage.py run_periodic_jobs --loop \
		> var/periodic-jobs.log 2>&1 & \
	trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-true} SITE_URL="$(SITE_URL)" $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/seed.py

clean:
	rm -rf $(VENV) var
