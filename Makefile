# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when missing and are idempotent.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

run: $(STAMP)
	$(PY) run_pipeline.py run --offline

test: $(STAMP)
	$(PY) -m mypy
	$(PY) -m pytest -q

eval: $(STAMP)
	$(PY) -m bench accuracy

bench: $(BENCH_STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) data .pytest_cache
