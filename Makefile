# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test test-snel lint docs bench clean lock vendor oidc

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Dependencies come from the lock files (exact versions with hashes; `make lock` renews them),
# then the project itself without resolving anything again.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DEVSTAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP) $@

# Renew both lock files from pyproject.toml (pip-tools in a throwaway venv; needs PyPI).
LOCK_VENV := .venv-lock
PIP_COMPILE := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/pip install --quiet pip-tools)
	$(PIP_COMPILE) --upgrade -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --upgrade --extra dev -o requirements-dev.lock pyproject.toml

# The NL Design System CSS (vendor/package.json, pinned with integrity by vendor/package-lock.json)
# is copied into app/static/vendor/ with a manifest (name, version, licence, sha256 per file), so
# `make run` needs no npm. `make vendor` renews it from the npm registry (needs node and npm);
# tests/web/test_vendor.py fails when the copies, the manifest and package-lock.json disagree.
vendor:
	npm ci --prefix vendor --no-audit --no-fund --loglevel=error
	node vendor/kopieer.mjs

instance/.gitkeep:
	mkdir -p instance && touch $@

# The web app: migrate + seed (idempotent), demo accounts, gunicorn. `flask demo` prints the
# address and the demo logins in a box as the last thing before the server starts (and keeps
# them in instance/demo-accounts.txt, mode 0600).
# Plain HTTP on localhost, so the session cookie cannot be Secure-only here (see app/__init__.py).
# The national table stays available: $(BIN)/formatie calculate --landelijk
run: $(STAMP) instance/.gitkeep
	$(BIN)/flask --app app init
	@$(BIN)/flask --app app demo
	@SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-0} $(BIN)/gunicorn -c gunicorn.conf.py \
		'app:create_app()'

# The single sign-on tests run a real OpenID Connect provider under node (npm oidc-provider,
# pinned by tests/oidc/package-lock.json). Where npm is, `make test` installs it: when
# tests/oidc/node_modules is missing, or older than the lock file (npm ci writes
# node_modules/.package-lock.json). Without npm, or when npm ci fails, those tests are skipped
# and "Overgeslagen en waarom" says why.
OIDC_STAMP := tests/oidc/node_modules/.package-lock.json
oidc:
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "npm not found: the single sign-on tests will be skipped (Debian packages nodejs npm)"; \
	elif [ ! -f $(OIDC_STAMP) ] || [ tests/oidc/package-lock.json -nt $(OIDC_STAMP) ]; then \
		npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error \
			|| echo "npm ci in tests/oidc failed: the single sign-on tests will be skipped"; \
	fi

# The whole suite (ruff first). A PostgreSQL on 127.0.0.1:5432 is found by tests/conftest.py,
# which creates a throwaway database for the run and drops it afterwards; the run ends with
# "Overgeslagen en waarom" (PostgreSQL, Chromium, LibreOffice). TEST_POSTGRES=0: SQLite only.
test: $(DEVSTAMP) instance/.gitkeep oidc
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quick edit-test loop (under 60 s on an idle 2-core machine): hypothesis profile `dev` (few
# examples, and an evenly spread 5 of each fixed case list: tests/profielen.py), 2 xdist workers,
# SQLite only, and no slow tests: browser, LibreOffice, load, the national workbook, the sweeps
# over every page and role, the pytest-in-pytest runs. `make test` and CI run all of them.
# Bytecode is kept even where PYTHONDONTWRITEBYTECODE is set: recompiling the app and pytest's
# rewritten test modules costs each worker seconds on every run. --dist loadfile keeps a module
# on one worker, so its module- and session-scoped fixtures (shared apps, workbooks) are built once.
test-snel: $(DEVSTAMP) instance/.gitkeep
	TEST_POSTGRES=0 PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -p no:cacheprovider -q -n 2 \
		--dist loadfile --hypothesis-profile=dev -m 'not slow' $(PYTEST_ARGS)

lint: $(DEVSTAMP)
	$(BIN)/ruff check .

# The tables of `formatie valideer` in README.md and docs/validatie.md (tests/test_validatie.py
# fails when they are stale).
docs: $(DEVSTAMP)
	$(BIN)/python tests/docs_valideer.py

bench: $(DEVSTAMP)
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache
