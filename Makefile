# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# `make lock` after changing requirements*.txt: pip-tools, in a folder of its own, adds the hashes.
PIP_TOOLS := .cache/pip-tools
COMPILE := $(PIP_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
           --no-emit-index-url --no-emit-find-links --no-emit-trusted-host

.PHONY: install install-dev lock run test test-fast browser-deps bench screenshots clean

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime dependencies only, exactly as locked.
$(RUN_STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

# The runtime lock's pins plus the test tools.
$(DEV_STAMP): requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

lock:
	test -x $(PIP_TOOLS)/bin/pip-compile || { $(PY) -m venv $(PIP_TOOLS) && $(PIP_TOOLS)/bin/pip install --quiet pip-tools==7.6.2; }
	$(COMPILE) --output-file requirements.lock requirements.txt
	$(COMPILE) --output-file requirements-dev.lock requirements.txt requirements-dev.txt

run: install
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

# The browser tests need Debian's chromium (installed when missing, root only, as in CI) and the
# accessibility test axe-core, the npm package, pinned, in .cache/axe.
AXE_VERSION := 4.14.1
AXE_JS := .cache/axe/node_modules/axe-core/axe.min.js
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=ko | grep -q . || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } || echo "chromium unavailable: browser tests will skip"
	@grep -qs '"version": "$(AXE_VERSION)"' .cache/axe/node_modules/axe-core/package.json || npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION) >/dev/null 2>&1 || echo "axe-core unavailable: accessibility tests will skip"

# One worker per core (at most 4), each test file whole on one worker: module fixtures are made
# once and the browser walk keeps its order.
PARALLEL := -n auto --maxprocesses 4 --dist loadfile

test: install-dev browser-deps
	$(BIN)/python -m pytest -q $(PARALLEL) tests

test-fast: install-dev
	$(BIN)/python -m pytest -q $(PARALLEL) tests -m "not slow and not browser"

bench: install
	$(BIN)/python -m scripts.bench_pipeline

# The README's pictures: the browser test, writing its screenshots into docs/screenshots/.
screenshots: install-dev browser-deps
	WEATHER_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/test_browser.py tests/test_browser_lesson.py

clean:
	rm -rf $(VENV) .pytest_cache
