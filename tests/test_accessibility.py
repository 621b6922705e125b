"""WCAG 2.1 AA as axe-core checks it: every page of the registry, in English and Korean, on the demo
data with one finished run, and the Train page once more with that run's results shown. Fails on
any serious or critical violation of the rules tagged wcag2a, wcag2aa, wcag21a, wcag21aa and
wcag22aa, on any violation of two heading rules (one h1 a page, no skipped level), and on a chart
without a text alternative. Then the keyboard: Tab reaches Start, the uploader and the run picker,
each with a visible focus ring.

axe-core is the npm package (`make browser-deps` installs it into .cache/axe, as it installs
chromium); without it these tests skip with the reason. `WEATHER_AXE_REPORT=1` prints every
violation, serious or not, per page: how the counts in the README were taken."""

import os
from types import SimpleNamespace

import pytest

from browser_support import ROOT, chromium, open_tab, streamlit_server
from pages.ui import nav
from pages.ui.i18n import EN
from weather_core import settings

pytestmark = pytest.mark.browser

AXE_JS = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HEADING_RULES = ["page-has-heading-one", "heading-order"]  # axe files these under best practice
FAILING_IMPACTS = {"serious", "critical"}
LANGUAGES = ["en", "ko"]

if not AXE_JS.is_file():
    pytest.skip(f"axe-core is not installed at {AXE_JS} (run `make browser-deps`)", allow_module_level=True)

RUN_AXE = """async ([tags, rules]) => {
    const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
    const tagged = await axe.run(document, options);
    const extra = await axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']});
    return [...tagged.violations, ...extra.violations].map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')),
        sample: v.nodes.slice(0, 3).map(n => n.failureSummary),
    }));
}"""


# axe cannot tell a chart from a box: every plotly chart must say in one sentence what it shows.
UNNAMED_CHARTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(chart => !(chart.getAttribute('aria-label') || '').trim()).length"""


@pytest.fixture(scope="module")
def server(isolated_roots, demo_prepared, tmp_path_factory):
    """The app on the demo data, with one finished model_1 run (the Train, Compare, Classify,
    Errors and Leaderboard pages then show charts, not just their empty states)."""
    from weather_core.training import TrainConfig, train

    trained = {}

    def train_run():
        config = TrainConfig(data=str(demo_prepared), model="model_1", epochs=1, image_size=32, batch_size=16)
        run_dir, status = train(config, root=settings.runs_root())
        assert status["state"] == "finished", status
        trained["run_id"] = run_dir.name

    with streamlit_server(tmp_path_factory.mktemp("streamlit") / "server.log", before_healthy=train_run) as url:
        yield SimpleNamespace(url=url, run_id=trained["run_id"])


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def violations(tab) -> list[dict]:
    tab.add_script_tag(path=str(AXE_JS))
    return tab.evaluate(RUN_AXE, [WCAG_TAGS, HEADING_RULES])


def describe(found) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}, {len(v['targets'])} elements): {v['help']}\n"
                     f"    {v['targets'][:5]}\n    {v['sample'][:1]}" for v in found)


def check(browser, url, label):
    tab = open_tab(browser, url)  # settled, and no error shown
    try:
        found = violations(tab)
        unnamed_charts = tab.evaluate(UNNAMED_CHARTS)
    finally:
        tab.context.close()
    if os.environ.get("WEATHER_AXE_REPORT"):
        print(f"\n[axe] {label}: " + (", ".join(f"{v['id']}={v['impact']}:{len(v['targets'])}" for v in found) or "none"))
    failing = [v for v in found if v["impact"] in FAILING_IMPACTS or v["id"] in HEADING_RULES]
    assert not failing, f"{label}: accessibility violations\n{describe(failing)}"
    assert unnamed_charts == 0, f"{label}: {unnamed_charts} chart(s) without a text alternative (alt=)"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", [p.name for p in nav.PAGES])
def test_page_passes_axe(browser, server, page, lang):
    path = "" if page == nav.HOME.name else page
    check(browser, f"{server.url}/{path}?lang={lang}", f"{page} ({lang})")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_train_page_with_a_finished_run_passes_axe(browser, server, lang):
    check(browser, f"{server.url}/train?run={server.run_id}&lang={lang}", f"train with a finished run ({lang})")


# ---------------------------------------------------------------------------------------------
# The keyboard alone: Tab from the top of the page reaches what a lesson needs, with a visible focus

FOCUS_RING = """() => { for (let e = document.activeElement, up = 0; e && up < 4; e = e.parentElement, up++) {
        const s = getComputedStyle(e);
        if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) return true; }
    return false; }"""
MAX_TABS = 80


def tab_to(tab, target) -> int:
    """Press Tab until `target` (or something inside it) has the focus; the number of presses."""
    handle = target.element_handle()
    for presses in range(1, MAX_TABS + 1):
        tab.keyboard.press("Tab")
        if tab.evaluate("t => t === document.activeElement || t.contains(document.activeElement)", handle):
            return presses
    pytest.fail(f"{MAX_TABS} presses of Tab never reached {target}")


KEYBOARD_TARGETS = {
    "train: Start": ("train", lambda tab: tab.get_by_role("button", name=EN["train.start"])),
    "classify: the run picker": ("classify", lambda tab: tab.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first),
    "classify: the uploader": ("classify", lambda tab: tab.locator('[data-testid="stFileUploader"] button').first),
}


@pytest.mark.parametrize("target", list(KEYBOARD_TARGETS))
def test_keyboard_reaches_lesson_controls(browser, server, target):
    page, find = KEYBOARD_TARGETS[target]
    tab = open_tab(browser, f"{server.url}/{page}?lang=en")
    try:
        tab.locator("h1").first.click()  # start from the page's top, as a keyboard user arriving there
        tab_to(tab, find(tab))
        assert tab.evaluate(FOCUS_RING), f"{target}: the focused control shows no focus ring of 2 px or more"
    finally:
        tab.context.close()
