"""A class in real browsers (Playwright + Chromium, as tests/test_browser.py): two students and an
instructor on one `streamlit run app.py`. Student B cannot cancel or discard student A's runs, not
even with A's URL; A claims her name with her PIN and a reload keeps it (a signed cookie); the
instructor (unlocked by the secret from secrets.toml) can; a lesson link with `dataset=` opens on
that dataset in a fresh browser; the leaderboard lists both students' finished runs.
Skipped, with the reason, without chromium or playwright (tests/browser_support.py)."""

import contextlib
import os
import shutil
import time

import pytest

from browser_support import (PAGE_TIMEOUT, VIEWPORT, assert_no_error, chromium, expect, open_tab, settle,
                             streamlit_server)
from pages.ui.i18n import EN
from support import copy_run
from weather_core import runs
from weather_core.jobs import names

pytestmark = pytest.mark.browser

SECRET = "correct horse battery staple"
PIN = "4711"


@contextlib.contextmanager
def server_data(base):
    """This process reads and writes the server's data root for a moment (names, tokens)."""
    before = os.environ.get("WEATHER_DATA_DIR")
    os.environ["WEATHER_DATA_DIR"] = str(base / "data")
    try:
        yield
    finally:
        os.environ.pop("WEATHER_DATA_DIR") if before is None else os.environ.update(WEATHER_DATA_DIR=before)


def owned(run_dir, owner, state, **status):
    runs.write_json_atomic(run_dir / "config.json", {**runs.read_json(run_dir / "config.json"), "owner": owner})
    runs.write_status(run_dir, state, **status)
    return run_dir


@pytest.fixture(scope="module")
def classroom_server(one_epoch_run, demo_prepared, tmp_path_factory):
    """A server with its own roots: ana's and ben's finished runs, ana's cancelled run, ana's run
    waiting behind a slot this test process holds, a prepared 'lesson-set' dataset, and a secret."""
    base = tmp_path_factory.mktemp("class_server")
    env = {**os.environ, "WEATHER_DATA_DIR": str(base / "data"), "WEATHER_RUNS_DIR": str(base / "runs"),
           "WEATHER_CACHE_DIR": str(base / "cache"), "WEATHER_MAX_TRAININGS": "1"}
    root = base / "runs"
    made = {
        "ana_done": owned(copy_run(one_epoch_run, root, "20990101-000001-model_1-ana1"), "ana", "finished",
                          test_accuracy=0.75),
        "ben_done": owned(copy_run(one_epoch_run, root, "20990101-000002-model_1-ben1"), "ben", "finished",
                          test_accuracy=0.5),
        "ana_stopped": owned(copy_run(one_epoch_run, root, "20990101-000003-model_1-ana2"), "ana", "cancelled",
                             pid=None, error="cancelled by the user"),
        "busy": owned(copy_run(one_epoch_run, root, "20990101-000004-model_1-busy"), "teacher", "running",
                      pid=os.getpid(), started=time.time()),
        "ana_waiting": owned(copy_run(one_epoch_run, root, "20990101-000005-model_1-ana3"), "ana", "queued",
                             waiting=True, pid=None, created=time.time()),
    }
    shutil.copytree(demo_prepared, base / "data" / "prepared" / "lesson-set")
    secrets = base / "secrets.toml"
    secrets.write_text(f'[instructor]\nsecret = "{SECRET}"\n')
    with server_data(base):
        names.sign_in("ana", PIN)  # ana claimed her name in an earlier lesson
        made["ana_token"] = names.token_for("ana")
    with streamlit_server(base / "server.log", env=env, extra_args=["--secrets.files", str(secrets)]) as url:
        yield url, made


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def button(tab, key):
    return tab.get_by_role("button", name=EN[key])


def claim(tab, name, pin):
    tab.get_by_role("textbox", name=EN["who.name"]).fill(name)
    tab.get_by_role("textbox", name=EN["who.pin"]).fill(pin)
    tab.get_by_role("button", name=EN["who.use_name"]).click()
    settle(tab)


def signed_in(name):
    return EN["who.signed_in"].format(name=name).replace("**", "")


def test_student_b_cannot_touch_a_s_runs_the_instructor_can(classroom_server, browser):
    url, made = classroom_server
    waiting, stopped = made["ana_waiting"], made["ana_stopped"]
    ben = open_tab(browser, f"{url}/train?user=ana&run={waiting.name}")  # ana's URL: no identity in it
    expect(ben.get_by_text(EN["who.not_yours"].format(owner="ana"))).to_be_visible()
    expect(button(ben, "train.cancel")).to_have_count(0)
    claim(ben, "ana", "1234")  # her name without her PIN
    expect(ben.get_by_text(EN["error.names_wrong_pin"])).to_be_visible()
    ben.goto(f"{url}/train?run={stopped.name}")
    settle(ben)
    expect(ben.get_by_text(EN["who.not_yours"].format(owner="ana"))).to_be_visible()
    expect(button(ben, "stopped.discard")).to_have_count(0)
    expect(button(ben, "stopped.resume")).to_have_count(0)

    ana = open_tab(browser, f"{url}/train?run={waiting.name}")
    claim(ana, "ana", PIN)
    expect(ana.get_by_text(signed_in("ana"))).to_be_visible()
    expect(button(ana, "train.cancel")).to_be_visible()
    ana.reload(wait_until="domcontentloaded")  # a reload keeps the name (the cookie) and the run
    settle(ana)
    expect(ana.get_by_text(signed_in("ana"))).to_be_visible()
    expect(button(ana, "train.cancel")).to_be_visible()

    teacher = open_tab(browser, f"{url}/train?run={stopped.name}")
    expect(button(teacher, "stopped.discard")).to_have_count(0)
    secret = teacher.get_by_label(EN["who.instructor_secret"])
    secret.fill(SECRET)
    secret.press("Enter")
    expect(teacher.get_by_text(EN["who.instructor_on"])).to_be_visible()
    settle(teacher)
    teacher.get_by_text(EN["stopped.confirm"].format(run=stopped.name)).click()
    settle(teacher)
    button(teacher, "stopped.discard").click()
    settle(teacher)
    assert not stopped.exists()
    teacher.reload(wait_until="domcontentloaded")  # the role survives a reload too
    settle(teacher)
    expect(teacher.get_by_text(EN["who.instructor_on"])).to_be_visible()
    teacher.goto(f"{url}/train?run={waiting.name}")
    settle(teacher)
    assert_no_error(teacher)


def test_lesson_link_opens_its_dataset_in_a_fresh_browser(classroom_server, browser):
    url, _ = classroom_server
    tab = open_tab(browser, f"{url}/dataset?dataset=lesson-set")
    # the Dataset page's heading names the active dataset
    expect(tab.locator("h2").filter(has_text=EN["dataset.active"].format(name="lesson-set"))).to_be_visible()
    assert "dataset=lesson-set" in tab.url


def test_leaderboard_lists_both_students(classroom_server, browser):
    url, made = classroom_server
    context = browser.new_context(viewport=VIEWPORT)
    context.add_cookies([{"name": "weather_who", "value": made["ana_token"], "url": url}])  # ana, back
    context.set_default_timeout(PAGE_TIMEOUT)
    tab = context.new_page()
    tab.goto(f"{url}/leaderboard", wait_until="domcontentloaded")
    settle(tab)
    table = tab.locator('[data-testid="stTable"]')
    # the board is a fragment drawn after the page; its chart comes first and is slow to draw
    expect(table).to_contain_text("ben", timeout=60_000)
    expect(table).to_contain_text("ana ★")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    assert "ana" in rows.nth(0).inner_text() and "ben" in rows.nth(1).inner_text()  # 75 % above 50 %
