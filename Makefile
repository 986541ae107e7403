# Two commands matter: `make run` (the phase 10 demo on this machine; `make run PLAN=my-plan.md` your own plans)
# and `make test`. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Real agent CLIs for the tests, installed as a user installs them: aider in its own virtualenv (its pins clash with
# Airflow's), Claude Code and Codex from npm.
AIDER := .work/agents/aider
AIDER_VERSION := 0.86.2
NPM_AGENTS := .work/agents/npm
NPM_AGENT_PACKAGES := @anthropic-ai/claude-code@2.1.332 @openai/codex@0.171.0

.PHONY: setup agents run test test-fast lint bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

agents: $(AIDER)/bin/aider $(NPM_AGENTS)/.installed

# Without npm the Claude Code and Codex tests skip and say why.
$(NPM_AGENTS)/.installed:
	@if command -v npm >/dev/null; then \
	  mkdir -p $(NPM_AGENTS) && npm install -s --no-audit --no-fund --prefix $(NPM_AGENTS) $(NPM_AGENT_PACKAGES) && touch $@; \
	else echo "npm not found: the Claude Code and Codex tests will skip"; fi

$(AIDER)/bin/aider:
	$(PYTHON) -m venv $(AIDER)
	$(AIDER)/bin/pip install -q aider-chat==$(AIDER_VERSION)

run: setup
	$(PY) -m waveflow.stack.demo $(PLAN)

test: setup lint agents
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: setup
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not e2e"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	@rc=0; for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || rc=1; done; exit $$rc

clean:
	rm -rf .airflow .work test-artifacts
