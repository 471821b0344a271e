# Relay: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup setup-dev translations extract-messages lint typecheck browser-deps services bench clean

run: setup translations
	$(FLASK) db upgrade
	$(FLASK) content import
	$(FLASK) demo seed
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup-dev translations browser-deps services
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Compiled catalogues are build output (.gitignore'd); the .po files are the source.
translations: setup
	$(BIN)/pybabel compile -d translations 2>&1 | grep -v "^compiling" || true

# Refresh the catalogues after changing UI strings.
extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot \
	  --ignore-dirs=".venv tests content migrations bench docs" .
	$(BIN)/pybabel update -N -i translations/messages.pot -d translations

# Debian's chromium and CJK fonts for the browser tests (Playwright cannot download here).
# Each is installed when missing (the fonts even if chromium is there). When apt cannot
# (offline mirror, not root) this warns and goes on: the browser tests skip with the reason.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	if command -v dpkg-query >/dev/null 2>&1 \
	    && ! dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; then \
	  missing="$$missing fonts-noto-cjk"; \
	fi; \
	missing="$${missing# }"; if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser-deps: warning: $$missing missing and cannot be installed here (needs root and apt-get); browser tests will skip" >&2; \
	  exit 0; \
	fi; \
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; then \
	  echo "browser-deps: warning: apt-get could not install $$missing; browser tests will skip" >&2; \
	fi

# Start the machine's PostgreSQL and Redis if installed but stopped; tests needing them
# skip (with the reason) when they still do not answer.
services:
	@if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1; then \
	  command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start \
	    || true; \
	fi
	@if command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
	    >/dev/null || true; \
	fi

lint: setup-dev
	$(BIN)/ruff check .

# The packages and files [tool.mypy] in pyproject.toml names.
typecheck: setup-dev
	$(BIN)/mypy

bench: setup-dev translations
	$(BIN)/python bench/quiz_submit.py
	$(BIN)/python bench/quiz_cycle_cost.py --no-valgrind
	$(BIN)/python bench/hr_report.py --learners 2000 --backends sqlite --no-export
	$(BIN)/python bench/autosave_beside_export.py

clean:
	rm -rf $(VENV) instance
