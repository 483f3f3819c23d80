VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo up test lint typecheck unit bench coverage-doc clean

# One-command set-up: `make demo` deploys and drives the five reference systems of samples/
# on an embedded server (`make up` serves cloudlet on :4566), `make test` runs the checks.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/cloudlet demo

up: $(STAMP)
	$(VENV)/bin/cloudlet up

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench samples
	$(VENV)/bin/ruff format --check src tests bench samples

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
