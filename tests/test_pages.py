"""Every page of the dashboard renders through streamlit's AppTest without an exception, the home
page without TensorFlow, and the projector switch enlarges every page's text. Each page's own
interactions: test_pages_data, test_train_page(_runs), test_pages_use, test_pages_teach ..."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pages.ui import i18n, nav
from support import assert_clean, open_page

ROOT = Path(__file__).resolve().parent.parent

APP = str(ROOT / "app.py")
PAGES = [page.path for page in nav.PAGES]


pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


def test_home_renders_without_importing_tensorflow():
    script = (
        "import sys, json, time\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"start = time.time(); at = AppTest.from_file({APP!r}, default_timeout=30).run()\n"
        "print(json.dumps({'tf': 'tensorflow' in sys.modules, 'keras': 'keras' in sys.modules,\n"
        "  'errors': [str(e.value) for e in at.exception], 'titles': [t.value for t in at.title],\n"
        "  'links': len(at.get('page_link')), 'seconds': time.time() - start}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, env=os.environ, timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["titles"] == [i18n.t("home.title")]
    assert result["links"] == len(nav.STEPS) == 8  # one link per walkthrough step
    assert not result["tf"] and not result["keras"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page, trained_run):
    at = open_page(page)
    assert at.title, f"{page} has no title"
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.selectbox[0].label == i18n.t("sidebar.dataset")



def test_projector_switch_enlarges_text_and_a_link_keeps_it(app_demo):
    def page_css(at):
        return " ".join(html.proto.body for html in at.get("html"))

    at = open_page("pages/models.py")
    switch = next(toggle for toggle in at.toggle if toggle.label == i18n.t("app.projector"))
    assert switch.value is False and "font-size: 22px" not in page_css(at)
    switch.set_value(True).run()
    assert_clean(at)
    assert "font-size: 22px" in page_css(at) and at.query_params["projector"] == "1"
    assert "font-size: 22px" in page_css(open_page("pages/train.py", query={"projector": "1"}))
