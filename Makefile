VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo up test lint typecheck unit bench coverage-doc clean

# One-command set-up: `make demo` runs cloudlet, `make test` runs the checks.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/cloudlet up

up: demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(VENV)/bin/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(PY) bench/sqs.py

coverage-doc: $(STAMP)
	$(PY) -m cloudlet.coverage > docs/COVERAGE.md

clean:
	rm -rf $(VENV) .cloudlet
