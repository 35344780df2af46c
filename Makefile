# The single entry point for people and CI. Every target sets up what it needs first,
# prints progress and never waits for keyboard input.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/noc-assistant.tar.gz
SPACY_DIR := build/spacy/noc_ruler
PRETRAINED := build/pretrained/.installed
WEB_VENDOR := build/web/vendor/socket.io.min.js
CHROMIUM ?= /usr/bin/chromium

# Rasa, TensorFlow and SQLAlchemy are chatty; keep the output to what a person needs.
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
# Libraries imported by Rasa print deprecation notices that nobody here can act on.
export PYTHONWARNINGS := ignore::DeprecationWarning,ignore::PendingDeprecationWarning

# This machine's pip configuration lists local mirror folders that may be absent; pip then
# prints one harmless line per package. Filter only those lines.
PIP_QUIET := { grep -v "is ignored: it is neither a file nor a directory" || true; }
# TensorFlow and absl print start-up noise on stderr; drop it, keep everything else.
TF_QUIET := { grep -vE "^(WARNING|W0000|I0000)|oneDNN|cuda|TensorRT|cpu_feature_guard|rebuild TensorFlow" || true; }

TRAIN_INPUTS := config.yml domain.yml $(shell find data -type f -name '*.yml' 2>/dev/null) \
	$(wildcard bot/nlu/*.py) $(SPACY_DIR)/.built $(PRETRAINED)

.PHONY: help check-python setup spacy web train run test lint audit postgres-bin node-bin chromium-bin scale-bin unit validate nlu-eval safety-eval safety-e2e understanding conversations e2e faults browser scale bench profile soak lock clean

help: ## list the targets
	@echo "No-contact-order assistant. Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "ERROR: Python 3.11 is required, and '$(PYTHON)' was not found."; \
	  echo "Install Python 3.11 (Debian/Ubuntu: apt-get install python3.11 python3.11-venv; or: pyenv install 3.11)"; \
	  echo "then run make again, or point to it: make PYTHON=/path/to/python3.11 <target>"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
	  echo "ERROR: '$(PYTHON)' is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'), but 3.11 is required."; \
	  echo "Install Python 3.11 (Debian/Ubuntu: apt-get install python3.11 python3.11-venv; or: pyenv install 3.11)"; \
	  echo "then run: make PYTHON=/path/to/python3.11 <target>"; exit 1; }

$(VENV)/.installed: requirements.lock | check-python
	@echo "==> Creating the virtual environment in $(VENV)/ (about 3 minutes and 2.8 GB the first time)"
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --progress-bar off -r requirements.lock 2>&1 | $(PIP_QUIET)
	@# Rasa 3.6 declares Python < 3.11 but runs on 3.11 with the numeric stack pinned above (README).
	@$(BIN)/pip install --quiet --progress-bar off --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2 2>&1 | $(PIP_QUIET)
	@touch $@
	@echo "==> Virtual environment ready"

setup: check-python $(VENV)/.installed $(SPACY_DIR)/.built $(PRETRAINED) $(WEB_VENDOR) ## create .venv, build the spaCy pipeline, install the pretrained word vectors and lemmas, build the widget

# Pretrained files for the intent classifier, from wheels on the package index: WordLlama's word
# vectors and spaCy's English lemma table (bot/nlu/pretrained.py pins every wheel's hash and
# each extracted file's hash).
$(PRETRAINED): bot/nlu/pretrained.py | $(VENV)/.installed
	@echo "==> Installing the pretrained word vectors and lemma table into $(dir $(PRETRAINED))"
	@$(BIN)/python -m bot.nlu.pretrained install 2>&1 | $(PIP_QUIET)
	@touch $@

$(SPACY_DIR)/.built: data/spacy/entity_patterns.yml bot/nlu/spacy_pipeline.py | $(VENV)/.installed
	@echo "==> Building the spaCy entity-ruler pipeline into $(SPACY_DIR)/"
	@$(BIN)/python -m bot.nlu.spacy_pipeline data/spacy/entity_patterns.yml $(SPACY_DIR)
	@touch $@

spacy: check-python $(SPACY_DIR)/.built ## build the spaCy pipeline from data/spacy/

$(MODEL): $(TRAIN_INPUTS) | $(VENV)/.installed
	@echo "==> Training the model (data, domain or config changed)"
	@mkdir -p models
	@start=$$(date +%s); \
	  $(RASA) train --fixed-model-name noc-assistant --out models --quiet 2>&1 | $(TF_QUIET); \
	  end=$$(date +%s); \
	  test -f $(MODEL) || { echo "ERROR: training did not produce $(MODEL)"; exit 1; }; \
	  touch $(MODEL); \
	  echo "==> Trained in $$((end - start)) s; model $(MODEL) is $$(du -h $(MODEL) | cut -f1)"

train: check-python $(MODEL) ## train a model into models/ (skips when nothing changed)
	@echo "==> Model is current: $(MODEL) ($$(du -h $(MODEL) | cut -f1))"

node-bin: ## install Debian's Node.js and npm if missing (to fetch the socket.io client)
	@command -v npm >/dev/null 2>&1 || { \
	  echo "==> Installing Node.js and npm from Debian's packages (for the widget's build step)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

# The widget's only library, the socket.io client, comes from the npm registry at the version
# pinned in package-lock.json and is served by our own server: nothing loads from a CDN.
$(WEB_VENDOR): bot/web/package.json bot/web/package-lock.json | node-bin
	@echo "==> Fetching the socket.io client for the widget (npm ci) into build/web/"
	@rm -rf build/web/npm && mkdir -p build/web/npm build/web/vendor
	@cp bot/web/package.json bot/web/package-lock.json build/web/npm/
	@cd build/web/npm && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 2>&1 | { grep -v 'Unknown user config' || true; }
	@cp build/web/npm/node_modules/socket.io-client/dist/socket.io.min.js $@
	@cp build/web/npm/node_modules/socket.io-client/LICENSE build/web/vendor/socket.io-client.LICENSE

web: $(WEB_VENDOR) ## build the widget's vendor files (socket.io client from npm)

run: check-python $(MODEL) $(WEB_VENDOR) ## start the servers and the website chat page on localhost
	@$(BIN)/python -m bot.launcher

lint: check-python $(VENV)/.installed ## ruff on the Python code
	@echo "==> Lint (ruff)"
	@$(BIN)/ruff check bot actions tests bench security
	@$(BIN)/ruff format --check bot actions tests bench security

postgres-bin: ## install Debian's PostgreSQL if missing (tests start a throwaway server)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "==> Installing PostgreSQL from Debian's packages (for the outbox tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

unit: check-python $(SPACY_DIR)/.built $(PRETRAINED) postgres-bin scale-bin ## pytest unit tests (actions, content, helpers, stores)
	@echo "==> Unit tests"
	@$(BIN)/pytest -q tests/unit

validate: check-python $(VENV)/.installed ## rasa data validate --fail-on-warnings
	@echo "==> rasa data validate"
	@$(RASA) data validate --fail-on-warnings --quiet

nlu-eval: check-python $(MODEL) ## held-out NLU test set: macro F1 >= 0.95, report_danger recall 1.0
	@echo "==> NLU evaluation on the held-out set"
	@$(BIN)/python -m tests.nlu.evaluate --model $(MODEL) tests/nlu/test_nlu.yml

safety-eval: check-python $(MODEL) ## safety set: danger and self-harm recall 1.0, false alarms printed
	@echo "==> Safety evaluation (tests/safety/safety_set.yml)"
	@$(BIN)/python -m tests.safety.evaluate --model $(MODEL) tests/safety/safety_set.yml

# Messages nobody on the team wrote (../shared/eval/realworld-dev.yml, the harvested real
# questions) and the team's independent set, each the first message of a new conversation
# through the running servers; the floors in tests/understanding/thresholds.yml only rise.
# Then reports/quality.md from everything measured so far.
REALWORLD_DEV ?= ../shared/eval/realworld-dev.yml
understanding: check-python $(MODEL) nlu-eval safety-eval safety-e2e ## messages nobody on the team wrote, through the running servers; writes reports/quality.md
	@echo "==> Understanding: real questions and the independent set, end to end"
	@# The report is written whatever the gate says: it is most useful when the gate fails.
	@status=0; $(BIN)/python -m tests.understanding.evaluate --model $(MODEL) \
	  realworld-dev=$(REALWORLD_DEV) harvested=tests/understanding/harvested_set.yml \
	  independent=tests/understanding/independent_set.yml \
	  --everyday tests/understanding/everyday_set.yml || status=$$?; \
	  $(BIN)/python -m tests.understanding.quality --model $(MODEL); exit $$status

# Every danger and self-harm message of the safety sets and of the real-world set, as the first
# message of a new conversation through the running servers: 911 in the first bubble, every
# time; ordinary messages given the danger reply at most the floor in
# tests/understanding/thresholds.yml (safety-end-to-end).
safety-e2e: check-python $(MODEL) ## safety end to end: 911 first for every danger message, through the running servers
	@echo "==> Safety end to end (tests/safety/end_to_end.py)"
	@$(BIN)/python -m tests.safety.end_to_end --model $(MODEL) --realworld $(REALWORLD_DEV)

conversations: check-python $(MODEL) ## conversation tests (Rasa test stories)
	@echo "==> Conversation tests"
	@rm -rf results/conversations
	@$(RASA) test core --model $(MODEL) --stories tests/conversations --fail-on-prediction-errors \
	  --out results/conversations --quiet 2>&1 | $(TF_QUIET) || { \
	  echo "Conversation tests failed; see results/conversations/failed_test_stories.yml"; \
	  cat results/conversations/failed_test_stories.yml 2>/dev/null | head -80; exit 1; }
	@$(BIN)/python -c "import json; r = json.load(open('results/conversations/story_report.json'))['conversation_accuracy']; \
	  print(f\"    conversation tests: {r['correct']} of {r['total']} stories correct, {r['with_warnings']} with warnings\")"

e2e: check-python $(MODEL) ## end-to-end: real action server + Rasa server over REST
	@echo "==> End-to-end tests against running servers"
	@$(BIN)/pytest -q tests/e2e

chromium-bin: ## install Debian's chromium if missing (the widget tests drive it with Playwright)
	@test -x $(CHROMIUM) || { \
	  echo "==> Installing Chromium from Debian's packages (for the widget tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

browser: check-python $(MODEL) $(WEB_VENDOR) chromium-bin ## the widget in headless Chromium against the real servers
	@echo "==> Widget tests in headless Chromium (screenshots in results/browser/)"
	@NOC_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q tests/browser

scale-bin: postgres-bin ## install Debian's redis-server and nginx if missing (the scale-out test)
	@command -v redis-server >/dev/null 2>&1 && { command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; } || { \
	  echo "==> Installing redis-server and nginx from Debian's packages (for the scale-out test)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nginx >/dev/null; }

scale: check-python $(MODEL) scale-bin ## 3 Rasa servers behind nginx, PostgreSQL tracker, Redis locks
	@echo "==> Scale-out: 3 Rasa servers behind nginx sharing PostgreSQL and Redis"
	@$(BIN)/pytest -q tests/scale

# The auditor lives in its own virtual environment: its dependencies must not move the pins.
AUDIT_VENV := build/audit-venv
$(AUDIT_VENV)/.installed: | check-python
	@echo "==> Installing pip-audit into $(AUDIT_VENV)/"
	@rm -rf $(AUDIT_VENV) && $(PYTHON) -m venv $(AUDIT_VENV)
	@$(AUDIT_VENV)/bin/pip install --quiet --progress-bar off pip-audit==2.10.1 2>&1 | $(PIP_QUIET)
	@touch $@

audit: check-python $(VENV)/.installed $(AUDIT_VENV)/.installed ## pip-audit of every pinned package against security/audit-allowlist.yml
	@echo "==> Dependency audit (pip-audit; triaged advisories in security/audit-allowlist.yml)"
	@$(BIN)/python -m security.audit

faults: check-python $(MODEL) postgres-bin ## fault injection: action server and database killed mid-conversation
	@echo "==> Fault injection (action server down and hanging, PostgreSQL stopped, Rasa killed)"
	@$(BIN)/pytest -q tests/faults

test: check-python setup lint audit unit validate $(MODEL) nlu-eval safety-eval safety-e2e understanding conversations e2e faults browser scale ## every check
	@echo "==> All checks passed"

# Stock Rasa's default training (100 epochs of DIET and TED) takes hours on 9,500 examples; the
# answering cost compared here does not depend on the epochs (bench/run.py, stock_config).
BENCH_ARGS ?= --stock-epochs 10
bench: check-python setup $(MODEL) scale-bin ## load benchmark: ours vs stock Rasa vs a fixed-answer floor (~45 min)
	@echo "==> Benchmark (trains three models, then 1/10/50 conversations at once over REST and socket.io)"
	@$(BIN)/python -m bench.run $(BENCH_ARGS)

profile: check-python setup $(MODEL) ## where one Rasa server spends its CPU under load (py-spy) -> reports/profile.md
	@echo "==> Profile (one Rasa server at saturation, sampled by py-spy)"
	@$(BIN)/python -m bench.profile

soak: check-python setup $(MODEL) scale-bin ## 10 minutes at 10 msg/s: errors (must be 0) and memory growth
	@echo "==> Soak (10 minutes at a steady 10 messages per second)"
	@$(BIN)/python -m bench.soak

lock: check-python ## re-resolve requirements.in into requirements.lock
	@rm -rf build/lockvenv && $(PYTHON) -m venv build/lockvenv
	@build/lockvenv/bin/pip install --progress-bar off -r requirements.in 2>&1 | $(PIP_QUIET)
	@{ head -3 requirements.lock; build/lockvenv/bin/pip freeze --all --exclude pip; } > requirements.lock.new
	@mv requirements.lock.new requirements.lock && rm -rf build/lockvenv
	@echo "==> requirements.lock updated"

clean: ## remove build output and models (keeps .venv and var/)
	rm -rf build models results .pytest_cache
