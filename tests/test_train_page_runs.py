"""The Train page with runs in every state: a real background training, a queued run it reattaches
to, a double click, a reload, failed and interrupted runs."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pages.ui import i18n
from weather_core import jobs, runs
from support import assert_clean, open_page, plotly_charts, texts

pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


@pytest.mark.slow  # trains in a subprocess
def test_train_page_trains_in_the_background(app_demo):
    at = open_page("pages/train.py")
    at.selectbox[0].set_value("model_1")
    for label, value in (("epochs", 1), ("batch_size", 16), ("image_size", 32)):
        next(n for n in at.number_input if n.label == i18n.t(f"train.{label}")).set_value(value)
    at.run()
    assert "about **" in texts(at.caption)
    at.button[0].click().run()
    assert_clean(at)
    run_dir = Path(at.session_state["train_run"])
    try:
        deadline = time.time() + 150
        while runs.current_state(run_dir) in runs.ACTIVE and time.time() < deadline:
            time.sleep(1)
        assert runs.current_state(run_dir) == "finished", (run_dir / "log.txt").read_text()[-2000:]
    finally:
        jobs.kill(run_dir)
    assert runs.read_metrics(run_dir)[0]["epoch"] == 1
    at.run()
    assert_clean(at)
    assert i18n.t("train.finished", epochs=1) in texts(at.success)
    assert at.metric[0].value.endswith("%")  # the test-split accuracy
    run_charts = [c for c in plotly_charts(at) if c.key != "lever-chart"]
    assert len(run_charts) == 4  # accuracy, loss, confusion matrix, per-class bars


def _fake_run(root, run_id, state, **status):
    run_dir = root / run_id
    run_dir.mkdir(parents=True)
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "epochs": 3, "image_size": 32})
    runs.write_status(run_dir, state, created=time.time(), **status)
    return run_dir


def test_train_page_reattaches_to_a_queued_run(app_demo, empty_runs):
    _fake_run(empty_runs, "20990101-000000-model_1-beef", "queued", pid=os.getpid(), position=1)
    at = open_page("pages/train.py")
    assert "20990101-000000-model_1-beef" in texts(at.header)
    assert i18n.t("train.queued", position=1) in texts(at.info)
    cancel = next(b for b in at.button if b.label == i18n.t("train.cancel"))
    cancel.click().run()
    assert_clean(at)
    assert runs.cancel_requested(empty_runs / "20990101-000000-model_1-beef")


def test_a_double_click_on_start_queues_one_run_and_follows_it(app_demo, empty_runs):
    _fake_run(empty_runs, "20990101-000000-model_1-busy", "running", pid=os.getpid())  # holds the slot
    at = open_page("pages/train.py")
    for _ in range(2):  # the second click lands before the page has shown the first run
        next(b for b in at.button if b.label == i18n.t("train.start")).click().run()
        assert_clean(at)
    queued = [r for r in runs.list_runs(empty_runs) if r.state == "queued"]
    assert len(queued) == 1 and at.session_state["train_run"] == str(queued[0].path)
    assert at.query_params["run"] == queued[0].run_id
    assert queued[0].run_id in texts(at.header)
    # the second click returned the student's own queued run: nothing calls it "another training"
    assert i18n.t("train.will_queue", n=2) not in texts(at.info)
    # while it waits or trains, the form is folded away under its run's progress and curves
    folded = next(e for e in at.expander if e.label == i18n.t("train.new_run"))
    assert i18n.t("train.start") in [b.label for b in folded.button]


def test_train_page_finds_a_students_finished_run_after_a_reload(app_demo, empty_runs):
    """No session state, no ?run= (a reload, then a page switch): the named student's latest run,
    finished, with its results; never a classmate's, never anything for a nameless tab."""
    for run_id, owner in (("20990101-000001-model_1-mine", "ana"), ("20990101-000002-model_1-them", "ben")):
        run_dir = _fake_run(empty_runs, run_id, "finished", pid=None, finished=time.time())
        config = runs.read_json(run_dir / "config.json")
        runs.write_json_atomic(run_dir / "config.json", {**config, "owner": owner})
    at = open_page("pages/train.py", user="ana")
    assert i18n.t("train.on_dataset", name=i18n.t("sidebar.demo")) in texts(at.caption)  # the form's dataset
    assert "20990101-000001-model_1-mine" in texts(at.header)
    assert "20990101-000002-model_1-them" not in texts(at.header)
    nameless = open_page("pages/train.py")
    assert "model_1-" not in texts(nameless.header) and i18n.t("train.no_run") in texts(nameless.caption)


def test_train_page_shows_failed_and_interrupted_runs(app_demo, empty_runs):
    run_dir = _fake_run(empty_runs, "run-failed", "failed", pid=None, error="DataError: no photos")
    (run_dir / "log.txt").write_text("Epoch 1/3\ntraining failed: no photos\n")
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert "This run is failed: DataError: no photos" in texts(at.error)
    assert any(c.value.endswith("training failed: no photos") for c in at.code)  # the run's log
    # a running status whose process is gone (server restarted, process killed): interrupted
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    run_dir = _fake_run(empty_runs, "run-gone", "running", pid=gone.pid, epoch=1, epochs=3)
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert "This run is interrupted" in texts(at.error)
