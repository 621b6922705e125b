"""The dashboard in a real browser: `streamlit run app.py` in a subprocess, Chromium driven by
Playwright, every page visited through the sidebar as a student would, and a screenshot of each
(01_home.png ... 08_errors.png; Compare with four runs, Classify with "Why this class?" on) written
to a temporary folder, or to $WEATHER_SCREENSHOTS_DIR: `make screenshots` renews the README's
pictures in docs/screenshots/ that way. Then the pages with charts again in Korean (ko_*.png),
checking that no chart label there is an English class name.

Set-up: the browser is Debian's chromium, not Playwright's own download (there is no network for
that). `make test` runs `make browser-deps` first, which does `apt-get install -y chromium` when it
is missing; the test launches it with `executable_path`. Without chromium, or without the
playwright package, every test here is skipped with the reason, never failed.

Run only these tests with `python -m pytest -m browser`; leave them out with `-m "not browser"`.
The walk is stateful and ordered (the Dataset step prepares the dataset the later pages use), so
the tests share one server and one browser page and run in file order."""

import os
import re
import tempfile
import time
from pathlib import Path

import pytest

from browser_support import (PAGE_TIMEOUT, VIEWPORT, assert_no_error, chromium, expect, heading,
                             settle, streamlit_server)
from pages.ui import nav
from pages.ui.i18n import EN, KO  # plain strings: the labels and headings the pages show
from weather_core import settings

pytestmark = pytest.mark.browser

# Tests never write into the repository unless asked: `make screenshots` sets this.
SCREENSHOTS = Path(os.environ.get("WEATHER_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="weather-shots-"))
MWD_DIR = settings.shared_photos()
MAX_SCREENSHOT_HEIGHT = 6000
SCROLLERS = '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]'
TF_TIMEOUT = 150_000  # ms: the first TensorFlow import and model build in the server
CLASSES = ("cloudy", "rain", "shine", "sunrise")


def shown(key, **groups) -> re.Pattern:
    """The text EN[key] as a page shows it: markdown ** dropped, each {placeholder} a group
    (`groups` may give one its pattern; the default matches anything). Plain groups and escapes
    only: Playwright runs the pattern as a JavaScript RegExp in the browser."""
    parts = re.split(r"\{(\w+)[^}]*\}", EN[key].replace("**", ""))
    return re.compile("".join(re.sub(r"([.*+?^${}()|\[\]\\/])", r"\\\1", part) if i % 2 == 0
                              else f"({groups.get(part, '.+?')})" for i, part in enumerate(parts)))


# Every page of the registry, in the sidebar's order: (nav label key, heading key, screenshot)
HEADING_SECTIONS = {"augmentation": "augment"}  # the rest: the page's own name
PAGES = {page.name: (page.title_key, f"{HEADING_SECTIONS.get(page.name, page.name)}.title",
                     f"{number:02d}_{page.name}.png") for number, page in enumerate(nav.PAGES, 1)}
# Compare's four runs: model_1 at 32 px for one epoch, then one setting changed at a time
RUN_SETTINGS = [{}, {"epochs": 2}, {"learning_rate": 0.01}, {"batch_size": 8}]


# ---------------------------------------------------------------------------------------------
# The server, a trained run, the browser


@pytest.fixture(scope="module")
def server(isolated_roots, demo_prepared, tmp_path_factory):
    """`streamlit run app.py` with four model_1 runs in its runs root, trained here, in the test
    process, while the server starts. The roots come from conftest's environment variables, which
    the subprocess inherits."""
    from weather_core.training import TrainConfig, train

    def train_runs():
        base = dict(data=str(demo_prepared), model="model_1", epochs=1, image_size=32, batch_size=16)
        for change in RUN_SETTINGS:
            run_dir, status = train(TrainConfig(**{**base, **change}), root=settings.runs_root())
            assert status["state"] == "finished", status

    with streamlit_server(tmp_path_factory.mktemp("streamlit") / "server.log", before_healthy=train_runs) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    """One Chromium page for the whole walk, opened on Home."""
    with chromium() as browser:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(PAGE_TIMEOUT)
        tab = context.new_page()
        tab.goto(server, wait_until="domcontentloaded")
        expect(tab.locator("h1").filter(has_text=heading("home.title"))).to_be_visible(timeout=PAGE_TIMEOUT)
        settle(tab)
        yield tab
        context.close()


def first_photo(folder, name):
    """The lowest-numbered readable `<name><n>.jpg` in folder (the real set has gaps), or None."""
    from weather_core.data.images import open_rgb

    numbered = sorted((int(m.group(1)), path) for path in folder.glob(f"{name}*.jpg")
                      if (m := re.fullmatch(rf"{name}(\d+)\.jpg", path.name)))
    for _, path in numbered:
        try:
            open_rgb(path)
            return path
        except ValueError:  # ImageError: not every real file is a usable photo
            continue
    return None


@pytest.fixture(scope="module")
def photos(demo_raw):
    """(a sunrise photo, a cloudy photo): real ones when ../shared is present, else demo ones."""
    found = [first_photo(MWD_DIR, name) for name in ("sunrise", "cloudy")] if MWD_DIR.is_dir() else [None]
    if None in found:
        found = [demo_raw / "sunrise1.jpg", demo_raw / "cloudy1.jpg"]
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Helpers


def go(tab, name, timeout=PAGE_TIMEOUT):
    """Click the page's link in the sidebar navigation and wait for its heading."""
    nav_key, heading_key, _ = PAGES[name]
    link = tab.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=EN[nav_key], exact=True)
    link.click()
    expect(tab.locator("h1").filter(has_text=heading(heading_key))).to_be_visible(timeout=timeout)
    settle(tab)
    assert_no_error(tab)


def content_height(tab) -> int:
    return int(tab.evaluate(f"""() => Math.max(document.documentElement.scrollHeight,
        ...[...document.querySelectorAll('{SCROLLERS}')].map(e => e.scrollHeight))"""))


def wait_drawn(tab, timeout=15):
    """After a resize: charts and tables that just came into view are drawn (lazily), and charts
    re-lay out; wait until the height and the number of drawn charts stop changing."""
    def state():
        return content_height(tab), tab.locator('[data-testid="stPlotlyChart"] .main-svg').count()

    time.sleep(0.5)
    before, deadline = state(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.75)
        now = state()
        if now == before:
            return
        before = now


def screenshot(tab, name, lang="en"):
    """A full-page screenshot. Streamlit scrolls inside its main section, not the document, so the
    viewport is stretched to the content's height for the shot (again if late-drawn tables or
    charts grow it), then put back."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = VIEWPORT["height"]
    try:
        for _ in range(4):
            wanted = max(VIEWPORT["height"], min(content_height(tab), MAX_SCREENSHOT_HEIGHT))
            if wanted == height:
                break
            height = wanted
            tab.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            wait_drawn(tab)
        file = PAGES[name][2] if lang == "en" else f"{lang}_{PAGES[name][2]}"
        tab.screenshot(path=str(SCREENSHOTS / file), full_page=True)
    finally:
        tab.set_viewport_size(VIEWPORT)


def expect_prediction(tab, file_name):
    """`<file>: <class> (<p>%)` and the probability chart beside it, in that photo's card."""
    classes = "|".join(CLASSES)
    result = tab.get_by_text(re.compile(rf"{re.escape(file_name)}: ({classes}) \(\d+%\)"))
    expect(result).to_be_visible(timeout=TF_TIMEOUT)
    result.scroll_into_view_if_needed()  # charts below the fold are only drawn once scrolled to
    column = tab.locator('[data-testid="stVerticalBlock"]').filter(has=result).last
    expect(column.locator('[data-testid="stPlotlyChart"]')).to_be_visible()
    for name in CLASSES:
        expect(column.locator('[data-testid="stPlotlyChart"]')).to_contain_text(name)


def alert(tab, text):
    return tab.locator('[data-testid="stAlert"]').filter(has_text=text)


# ---------------------------------------------------------------------------------------------
# The walk, page by page in the sidebar's order


def test_home(page):
    go(page, "home")
    nav = page.locator('[data-testid="stSidebarNav"]')
    for nav_key, _, _ in PAGES.values():
        expect(nav.get_by_role("link", name=EN[nav_key], exact=True)).to_be_visible()
    expect(page.get_by_text(EN["home.flaws"])).to_be_visible()
    screenshot(page, "home")


def test_dataset_sort_and_split(page):
    go(page, "dataset", timeout=TF_TIMEOUT)  # the first visit generates the demo photos
    page.get_by_role("button", name=EN["dataset.run"]).click()
    prepared = shown("dataset.prepared", n=r"\d+")
    done = alert(page, prepared)
    expect(done).to_be_visible(timeout=TF_TIMEOUT)
    settle(page)
    assert_no_error(page)
    count = int(prepared.search(done.inner_text()).group(1))  # {n}, the first placeholder
    assert count > 0
    # the counts: the split table, and the sidebar's per-split totals for the new dataset
    expect(page.get_by_text(shown("dataset.split_counts"))).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    split_line = page.locator('[data-testid="stSidebar"]').get_by_text(
        shown("sidebar.counts", counts=r"train \d+ · val \d+ · test \d+"))
    expect(split_line).to_be_visible()
    totals = [int(n) for n in re.findall(r"\d+", split_line.inner_text())]
    assert sum(totals) == count, (split_line.inner_text(), count)
    screenshot(page, "dataset")


def test_augmentation(page):
    go(page, "augmentation", timeout=TF_TIMEOUT)  # the preview loads TensorFlow in the server
    expect(page.get_by_text(shown("augment.grid", n=r"\d+"))).to_be_visible(timeout=TF_TIMEOUT)
    expect(page.get_by_text(EN["augment.layers"], exact=True)).to_be_visible()
    settle(page)
    assert_no_error(page)
    screenshot(page, "augmentation")


def test_models_match_the_report(page):
    from weather_core.models import MODELS

    go(page, "models", timeout=TF_TIMEOUT)
    # the page opens on the first model at 250x250, the report's size: its total is the report's
    first = next(iter(MODELS.values()))
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=EN["models.total"])
    expect(metric).to_contain_text(f"{first.report_total_params:,}", timeout=TF_TIMEOUT)  # model_1: 14,803,780
    expect(alert(page, EN["models.match"])).to_be_visible()
    settle(page)
    assert_no_error(page)
    screenshot(page, "models")


def test_train(page):
    go(page, "train")
    expect(page.get_by_role("button", name=EN["train.start"])).to_be_visible()
    # one time figure: the default recipe's measured one (an estimate only for changed settings)
    expect(page.get_by_text(shown("recipe.measured"))).to_be_visible()
    expect(page.get_by_text(shown("train.estimate"))).to_have_count(0)
    screenshot(page, "train")


def open_url(tab, server, name, texts=EN, query=""):
    """Open a page by its URL (a new session), e.g. /compare?runs=...&lang=ko, and wait for it."""
    tab.goto(f"{server}/{name}{query}", wait_until="domcontentloaded")
    expect(tab.locator("h1").filter(has_text=heading(PAGES[name][1], texts))).to_be_visible(timeout=TF_TIMEOUT)
    settle(tab)
    assert_no_error(tab)


def compare_query(lang="en") -> str:
    from weather_core import runs

    ids = [r.run_id for r in runs.list_runs()][:len(RUN_SETTINGS)]
    return f"?runs={','.join(ids)}&lang={lang}"


def test_compare(page, server):
    open_url(page, server, "compare", query=compare_query())
    expect(page.get_by_text(EN["compare.final"], exact=True)).to_be_visible()
    charts = page.locator('[data-testid="stPlotlyChart"]')
    expect(charts.first).to_be_visible()
    expect(charts).to_have_count(3)  # accuracy, loss, test accuracy per run
    legend = charts.first.locator(".legendtext")
    expect(legend).to_have_count(len(RUN_SETTINGS) + 2)  # one entry per run, then train / validation
    expect(legend.last).to_have_text(EN["chart.val"])
    screenshot(page, "compare")


def explain_first_photo(tab, texts=EN):
    """Switch "Why this class?" on for the first photo and wait for its heat map."""
    label = re.sub(r"\*\*", "", texts["why.title"])
    tab.locator('[data-testid="stCheckbox"]').filter(has_text=label).first.click()
    overlay = re.escape(texts["why.overlay"].split("{")[0].strip())
    expect(tab.get_by_text(re.compile(overlay)).first).to_be_visible(timeout=TF_TIMEOUT)
    settle(tab)
    assert_no_error(tab)


def take_camera_photo(tab):
    """Click "Take Photo" once the fake camera streams frames: the button is enabled as soon as
    the stream is granted, and a click before the first frame captures nothing (CI saw that)."""
    take = tab.get_by_role("button", name="Take Photo")
    expect(take).to_be_enabled(timeout=PAGE_TIMEOUT)
    tab.wait_for_function(
        """() => { const v = document.querySelector('[data-testid="stCameraInput"] video');
                   return v !== null && v.readyState >= 2 && v.videoWidth > 0; }""", timeout=PAGE_TIMEOUT)
    clear = tab.get_by_role("button", name="Clear photo")
    for _ in range(5):
        take.click()
        try:
            expect(clear).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(clear).to_be_visible()


def test_classify_photos(page, photos, tmp_path):
    sunrise, cloudy = photos
    go(page, "classify")
    expect(page.get_by_text(EN["classify.upload"])).to_be_visible()
    uploads = page.locator('[data-testid="stFileUploader"] input[type=file]')

    uploads.set_input_files(str(sunrise))
    expect_prediction(page, sunrise.name)
    settle(page)
    assert_no_error(page)

    # a text file named .jpg beside a good photo: a per-file message, the good one still classified
    broken = tmp_path / "broken.jpg"
    broken.write_text("this is not a photo\n")
    uploads.set_input_files([str(broken), str(cloudy)])
    message = alert(page, "broken.jpg")
    expect(message).to_be_visible(timeout=TF_TIMEOUT)
    expect(message).to_contain_text(re.compile(r"not an image|unreadable"))
    expect_prediction(page, cloudy.name)
    expect_prediction(page, sunrise.name)  # the first upload is still there, still classified
    settle(page)
    assert_no_error(page)
    explain_first_photo(page)
    expect(page.get_by_text(EN["why.photo"], exact=True).first).to_be_visible()  # beside its heat map

    # the camera (Chromium's fake device: a test pattern) is classified like an upload
    page.locator('[data-testid="stCheckbox"]').filter(has_text=EN["classify.camera_on"]).click()
    take_camera_photo(page)
    expect_prediction(page, EN["classify.camera_name"])
    # and so is an example from the test split, one click
    page.get_by_role("button", name=EN["classify.try_example"], exact=True).first.click()
    results = page.get_by_text(re.compile(rf": ({'|'.join(CLASSES)}) \(\d+%\)$"))
    expect(results).to_have_count(4, timeout=TF_TIMEOUT)  # sunrise, cloudy, the camera's, the example
    settle(page)
    assert_no_error(page)
    screenshot(page, "classify")


def test_errors(page):
    go(page, "errors", timeout=TF_TIMEOUT)
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(2)  # confusion, per-class scores
    expect(page.get_by_text(shown("errors.showing", shown=r"\d+", n=r"\d+"))).to_be_visible(timeout=TF_TIMEOUT)
    settle(page)
    assert_no_error(page)
    screenshot(page, "errors")


def test_leaderboard(page):
    go(page, "leaderboard")
    chart = page.locator('[data-testid="stPlotlyChart"]')
    expect(chart).to_have_count(1)  # the dot plot: accuracy +-1 standard error against time
    expect(chart.locator(".gtitle")).to_have_text(EN["leaderboard.chart"])
    expect(page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]').first).to_be_visible()
    settle(page)
    assert_no_error(page)
    screenshot(page, "leaderboard")


# ---------------------------------------------------------------------------------------------
# The same pictures in Korean: no chart may label a class with its English name


def chart_labels(tab) -> list[str]:
    """Every text drawn in the page's charts: ticks, legends, titles, bar texts, annotations."""
    return tab.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] svg text')]
        .map(e => e.textContent.trim()).filter(Boolean)""")


def assert_no_english_class(tab, name):
    labels = chart_labels(tab)
    assert labels, f"{name}: no chart drawn"
    english = [label for label in labels if label.lower() in CLASSES]
    assert not english, f"{name}: English class names on Korean charts: {english}"


@pytest.mark.parametrize("name", ["dataset", "models", "compare", "classify", "errors", "leaderboard"])
def test_korean_pages(page, server, photos, name):
    query = compare_query("ko") if name == "compare" else "?lang=ko"
    open_url(page, server, name, KO, query)
    if name == "classify":
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(photos[0]))
        expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=TF_TIMEOUT)
        settle(page)
        explain_first_photo(page, KO)
        page.locator('[data-testid="stCheckbox"]').filter(has_text=KO["classify.camera_on"]).click()
        take_camera_photo(page)
        expect(page.get_by_text(re.compile(rf"{re.escape(KO['classify.camera_name'])}: ")).first).to_be_visible(
            timeout=TF_TIMEOUT)
        settle(page)
    screenshot(page, name, lang="ko")
    assert_no_english_class(page, name)


def overflowing(locator) -> list[str]:
    """Texts inside `locator` that are cut off: wider than their box (an ellipsis, a clipped tail)."""
    return locator.evaluate("""root => [root, ...root.querySelectorAll('*')]
        .filter(e => e.children.length === 0 && e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent.trim()).filter(Boolean)""")


def test_korean_long_labels_wrap(page, server):
    """The longest Korean model title in the Models page's picker and the Train form's labels show
    whole, and Korean text breaks between words."""
    open_url(page, server, "models", KO, "?model=model_3&lang=ko")
    picker = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"] input').first
    expect(picker).to_have_value(KO["models.name.model_3"])
    assert picker.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the model title is cut off"
    h1 = page.locator("h1").first
    assert h1.evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"
    open_url(page, server, "train", KO, "?model=model_3&lang=ko")
    form = page.locator('[data-testid="stMain"]')
    expect(form.get_by_text(KO["train.reduce_lr"]).first).to_be_visible()
    labels = set(KO.values()) | {KO[f"models.name.{m}"] for m in ("model_1", "model_2", "model_3")}
    assert [text for text in overflowing(form) if text in labels] == []
