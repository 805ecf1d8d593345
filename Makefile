# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test test-snel lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

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

# The whole suite (ruff first). A PostgreSQL on 127.0.0.1:5432 is found by tests/conftest.py,
# which creates a throwaway database for the run and drops it afterwards; the run ends with
# "Overgeslagen en waarom" (PostgreSQL, Chromium, LibreOffice). TEST_POSTGRES=0: SQLite only.
test: $(DEVSTAMP) instance/.gitkeep
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quick edit-test loop: hypothesis profile `dev` (few examples), 2 xdist workers, no slow
# tests (browser, LibreOffice, load), SQLite only. The full counts stay in `make test` and CI.
test-snel: $(DEVSTAMP) instance/.gitkeep
	TEST_POSTGRES=0 $(BIN)/python -m pytest -p no:cacheprovider -q -n 2 \
		--hypothesis-profile=dev -m 'not slow' $(PYTEST_ARGS)

lint: $(DEVSTAMP)
	$(BIN)/ruff check .

bench: $(DEVSTAMP)
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
