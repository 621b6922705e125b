"""A school's proxy: the dashboard served under a sub-path (server.baseUrlPath), as behind
https://school.example/weather/. The health check the Docker image runs follows the sub-path, and
a lesson link keeps it (Chromium, skipped without it: tests/browser_support.py)."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from browser_support import chromium, expect, open_tab, streamlit_server
from pages.ui.i18n import EN
from support import ROOT

pytestmark = pytest.mark.browser


def health(port, base):
    env = {**os.environ, "STREAMLIT_SERVER_BASE_URL_PATH": base}
    return subprocess.run([sys.executable, "-m", "weather_core", "health", "--port", str(port)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


def test_health_check_and_lesson_link_follow_the_proxy_sub_path(tmp_path):
    env = {**os.environ, "WEATHER_DATA_DIR": str(tmp_path / "data"), "WEATHER_RUNS_DIR": str(tmp_path / "runs")}
    with streamlit_server(tmp_path / "server.log", env=env, base="weather") as url:
        port = int(url.split(":")[-1].split("/")[0])
        assert health(port, "weather").returncode == 0  # the image's HEALTHCHECK command
        root_check = health(port, "")
        assert root_check.returncode == 1 and "404" in root_check.stderr  # what the old check asked
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url.replace("/weather", "") + "/_stcore/health", timeout=5)
        with chromium() as browser:
            tab = open_tab(browser, f"{url}/train?recipe=quick")
            tab.get_by_text(EN["lesson.share"]).click()
            link = tab.locator('[data-testid="stCode"]').filter(has_text="recipe=").first
            expect(link).to_contain_text("/weather/train?")
            assert link.inner_text().strip().startswith("/weather/train?recipe=quick")
