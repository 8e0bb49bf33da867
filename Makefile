# The two commands of the README. Both do all set-up on a fresh machine (as root or with sudo):
#   make serve   build the portal from the records in the repo and serve it on http://127.0.0.1:8000/
#   make test    run every test (unit, build, browser), the linter and the type checker
# For contributors: make check  the fast loop (ruff, mypy, the tests not marked browser; under two minutes)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve build test check lint live setup browser node tools clean fuzz

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# axe-core for the accessibility tests, pinned by package-lock.json (Debian's npm if node is missing).
node:
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --silent

# The sqlite3 shell: the tests run the data page's SQLite recipes with it, as a reader would.
tools:
	@command -v sqlite3 >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq sqlite3 >/dev/null; }

build: $(STAMP)
	$(BIN)/portal build

serve: $(STAMP)
	$(BIN)/portal serve

lint: $(STAMP)
	$(BIN)/ruff check build_scripts tests benchmarks
	$(BIN)/mypy

# The live records are validated and built once per run, here; the tests use small scratch repos
# of the seeds, so their time does not grow with the collection (benchmarks/bench_tests.py).
live: $(STAMP)
	$(BIN)/portal build --quiet

test: $(STAMP) browser node tools lint live
	$(BIN)/python -m pytest

# The fast loop: both cores (pytest-xdist), the validate fuzzing at 10 examples per field group (make
# fuzz runs 2,000, make test 40).
check: lint tools
	FUZZ_EXAMPLES=10 $(BIN)/python -m pytest -m "not browser" -q -n auto --dist worksteal

# The fuzzing of `portal validate` at the issue's size (2,000 examples per field group; the suite runs 40).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest tests/test_fuzz_validate_build.py -q -s

clean:
	rm -rf build site $(VENV) node_modules test-artifacts
