"""What the browser tests share: Debian's chromium (every browser test skips, with the reason, when
it or playwright is missing), `streamlit run app.py` on a free port, a launched browser, and
waiting for a page to finish running. Importing this module is what skips a browser test module."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pages.ui.i18n import EN

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
if CHROMIUM is None:
    pytest.skip("chromium is not installed (run `make browser-deps`: apt-get install -y chromium)",
                allow_module_level=True)
try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect, sync_playwright
except ImportError as error:
    pytest.skip(f"playwright cannot be imported ({error}); pip install -r requirements-dev.txt",
                allow_module_level=True)

VIEWPORT = {"width": 1400, "height": 900}  # readable on a classroom projector
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 # without these chromium keeps calling home, flooding a closed network
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # a fake camera (a test pattern) that needs no permission prompt: Classify's camera
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
SERVER_START_TIMEOUT = 90  # seconds until /_stcore/health answers
PAGE_TIMEOUT = 60_000  # ms: a page's first render on a loaded 2-core machine
# Every expect() waits this long unless told otherwise (Playwright's 5 s default failed a check on a
# 2-core machine busy with other test workers, while a fragment redrew its table).
expect.set_options(timeout=20_000)


# ---------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path, lines=40) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def wait_healthy(url, process, log, timeout=SERVER_START_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer {url}/_stcore/health within {timeout} s:\n{log_tail(log)}")


def stop(process):
    """Terminate the server's whole process group (it may have started helpers), then kill it."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, PermissionError):
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def streamlit_server(log, env=None, extra_args=(), before_healthy=None, base="", port=None):
    """`streamlit run app.py` on a free port, logging to `log`; yields its URL once healthy and
    stops it afterwards. `before_healthy()` runs while the server starts (a training, say);
    `base`: the sub-path the server is told it lives under (server.baseUrlPath), in the URL too;
    `port`: a port picked beforehand (free_port), when its address must be written somewhere first."""
    port = port or free_port()
    extra_args = [*extra_args, "--server.baseUrlPath", base] if base else extra_args
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra_args]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env or dict(os.environ), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}{'/' + base.strip('/') if base else ''}"
    try:
        if before_healthy:
            before_healthy()
        wait_healthy(url, process, log)
        yield url
    finally:
        stop(process)


@contextlib.contextmanager
def chromium():
    """Debian's chromium, headless; the test skips when it does not start."""
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.skip(f"chromium at {CHROMIUM} does not start: {error}")
        try:
            yield browser
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------
# A page


def heading(key, texts=EN) -> str:
    """A page title without its `:material/icon:` prefix, as the browser shows it after the icon."""
    return re.sub(r":material/[a-z_]+:\s*", "", texts[key]).strip()


def open_tab(browser, url, viewport=VIEWPORT, timeout=PAGE_TIMEOUT):
    """A fresh browser context (no shared session or storage) on `url`, its first heading shown."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(timeout)
    tab = context.new_page()
    tab.goto(url, wait_until="domcontentloaded")
    expect(tab.locator("h1").first).to_be_visible(timeout=timeout)
    settle(tab)
    assert_no_error(tab)
    return tab


def settle(tab, quiet=1.5, timeout=PAGE_TIMEOUT / 1000):
    """Wait until the script has stopped running: no "Running…" status widget and no spinner,
    continuously for `quiet` seconds (a rerun may start a moment after the previous one ends)."""
    busy = tab.locator('[data-testid="stStatusWidget"], [data-testid="stSpinner"]')
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        if any(element.is_visible() for element in busy.all()):
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.25)
    pytest.fail(f"the page was still running after {timeout:.0f} s")


def assert_no_error(tab):
    exceptions = tab.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"Streamlit exception shown: {exceptions.first.inner_text()[:2000]}"
    body = tab.locator("body").inner_text()
    assert "Traceback" not in body, body[:2000]
