# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Set up (once) and run the bot on SQLite: migrates, then serves Slack.
run: $(STAMP)
	$(BIN)/revive serve

## Set up (once) and run the whole test suite, then ruff.
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
	$(BIN)/ruff check .

lint: $(STAMP)
	$(BIN)/ruff check .

## Run the benchmarks at quick sizes on SQLite; docs/benchmarks.md has the full runs.
bench: $(STAMP)
	$(BIN)/python bench/cold_start.py --runs 3
	$(BIN)/python bench/ack_latency.py --backends sqlite --requests 600
	$(BIN)/python bench/sweep.py --reps 500
	$(BIN)/python bench/import.py --rows 2000 --runs 1

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
