# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast browser-deps bench screenshots clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

# The browser test needs Debian's chromium; install it when missing (root only, as in CI).
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=ko | grep -q . || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; } || echo "chromium unavailable: browser tests will skip"

test: install browser-deps
	$(BIN)/python -m pytest -q tests

test-fast: install
	$(BIN)/python -m pytest -q tests -m "not slow and not browser"

bench: install
	$(BIN)/python scripts/bench_pipeline.py

# The README's pictures: the browser test, writing its screenshots into docs/screenshots/.
screenshots: install browser-deps
	WEATHER_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/test_browser.py

clean:
	rm -rf $(VENV) .pytest_cache
