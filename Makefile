# Two commands do everything on a fresh machine:
#   make demo   set up, then run every notebook for every sample brand and export HTML + PDF
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test setup system-deps samples bench lab clean

$(STAMP): pyproject.toml
	@echo "==> creating the virtual environment in $(VENV) (if missing)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> installing socialkit and its dependencies into $(VENV)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP) system-deps

system-deps:
	@bash scripts/system-deps.sh

demo: setup
	@echo "==> running the notebooks on the sample brands"
	$(BIN)/socialkit batch manifests/demo.yml --workers 2

test: setup
	@echo "==> running the test suite"
	$(BIN)/python -m pytest -q -n 3 --dist loadfile

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

bench: setup
	$(BIN)/python -m bench

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf reports .pytest_cache
