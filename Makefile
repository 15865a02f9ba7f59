# The two commands of the README: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.specwright-installed
GENERATED := $(sort $(wildcard generated/*/pyproject.toml))
# hand-written per-API modules (templates/apis/<api>/package/*.py), checked at source
PER_API := $(sort $(wildcard templates/apis/*/package))

.PHONY: generate test lint typecheck drift pytest bench setup clean golden

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# the generator and the runtime (editable), with the test tools
$(STAMP): $(PY) pyproject.toml specwright-runtime/pyproject.toml
	$(PY) -m pip install -q -e ".[dev]" -e ./specwright-runtime
	touch $(STAMP)

# every generated package, editable, with its own dependencies
setup: $(STAMP)
	$(PY) -m pip install -q $(foreach p,$(GENERATED),-e ./$(dir $(p)))

generate: $(STAMP)
	$(PY) -m generator validate --strict
	$(PY) -m generator generate
	$(MAKE) --no-print-directory setup

lint: setup
	$(VENV)/bin/ruff check generator specwright-runtime generated tests bench templates/apis

typecheck: setup
	$(VENV)/bin/mypy generator specwright-runtime/src/specwright_runtime $(foreach p,$(GENERATED),$(dir $(p)))
	@# one run per API: the folders are not packages, and two APIs' client modules share a name
	set -e; for dir in $(PER_API); do \
		$(VENV)/bin/mypy --strict --cache-dir .mypy_cache/per-api-$$(basename $$(dirname $$dir)) $$dir; \
	done

drift: setup
	$(PY) -m generator check

# the committed generated packages of the feature specs (tests/features/golden/), after a template change
golden: $(STAMP)
	$(PY) -m tests.features.golden

# the Prism mock server (npm) for the contract tests, in .tools/
PRISM := .tools/node_modules/.bin/prism
$(PRISM):
	npm install --prefix .tools --no-audit --no-fund --silent @stoplight/prism-cli@5

pytest: setup $(PRISM)
	$(PY) -m pytest

test: lint typecheck drift pytest

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV)
