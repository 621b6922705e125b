"""The class pages under AppTest: names and roles (who may cancel, resume or discard), the dataset a
lesson link names, the instructor's secret and settings, the queue timeline, the leaderboard."""

import os
import shutil
import time

import pytest

from pages.ui import i18n
from support import APP, TIMEOUT, assert_clean, owned_run, texts
from weather_core.jobs import classroom
from weather_core import runs, settings

pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


def open_as(page, params=(), secrets=None, **state):
    """A fresh browser session on `page` with URL query parameters, secrets.toml and session state;
    params' "user" is who the session already is (a name it proved with its PIN), not a URL value."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    params = dict(params)
    if "user" in params:
        state = {"user": params.pop("user"), **state}
    for key, value in params.items():
        at.query_params[key] = value
    for section, values in (secrets or {}).items():
        at.secrets[section] = values
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert_clean(at)
    return at


def labels(at):
    return [b.label for b in at.button]


def test_only_the_owner_or_the_instructor_can_cancel(app_demo, roots):
    # the only slot is held (by this test's live pid), so ana's run waits in the queue
    busy = owned_run(roots / "runs", "20990101-000000-model_1-busy", "teacher", state="running", pid=os.getpid())
    run_dir = owned_run(roots / "runs", "20990101-000001-model_1-anaa", "ana", waiting=True, pid=None)
    ben = open_as("pages/train.py", {"user": "ben", "run": run_dir.name})
    assert i18n.t("train.cancel") not in labels(ben)
    assert i18n.t("who.not_yours", owner="ana") in texts(ben.caption)
    ana = open_as("pages/train.py", {"user": "ana"})
    assert i18n.t("who.signed_in", name="ana") in texts(ana.sidebar.caption)
    assert run_dir.name in texts(ana.header)
    next(b for b in ana.button if b.label == i18n.t("train.cancel")).click().run()
    assert runs.current_state(run_dir) == "cancelled"  # a waiting run stops at once
    assert i18n.t("train.cancel") not in labels(open_as("pages/train.py", {"user": "ben", "run": busy.name}))
    teacher = open_as("pages/train.py", {"user": "teacher2", "run": busy.name}, instructor=True)
    next(b for b in teacher.button if b.label == i18n.t("train.cancel")).click().run()
    assert runs.cancel_requested(busy)  # a training run stops at its next batch
    for folder in (busy, run_dir):
        shutil.rmtree(folder)


def test_stopped_run_resume_and_discard_are_owner_or_instructor_only(app_demo, roots):
    run_dir = owned_run(roots / "runs", "20990101-000002-model_1-anab", "ana", state="cancelled", pid=None)
    ben = open_as("pages/train.py", {"user": "ben"}, train_run=str(run_dir))
    assert i18n.t("stopped.discard") not in labels(ben) and i18n.t("stopped.resume") not in labels(ben)
    secrets = {"instructor": {"secret": "correct horse battery"}}
    teacher = open_as("pages/train.py", {"user": "teacher"}, secrets=secrets, train_run=str(run_dir))
    assert i18n.t("stopped.discard") not in labels(teacher)
    wrong = next(w for w in teacher.sidebar.text_input if w.label == i18n.t("who.instructor_secret"))
    wrong.input("guess").run()
    assert i18n.t("who.instructor_refused") in texts(teacher.sidebar.error)
    secret = next(w for w in teacher.sidebar.text_input if w.label == i18n.t("who.instructor_secret"))
    secret.input("correct horse battery").run()
    assert_clean(teacher)
    assert i18n.t("who.instructor_on") in texts(teacher.sidebar.caption)
    teacher.checkbox(key=f"discard-sure-{run_dir.name}").check().run()
    next(b for b in teacher.button if b.label == i18n.t("stopped.discard")).click().run()
    assert not run_dir.exists()


def test_lesson_link_dataset_opens_in_a_fresh_browser(app_demo, demo_prepared, roots):
    shutil.copytree(demo_prepared, settings.prepared_root() / "lesson-set")
    at = open_as("pages/dataset.py", {"dataset": "lesson-set"})
    assert at.sidebar.selectbox[0].value.endswith("lesson-set")
    assert at.query_params["dataset"] == ["lesson-set"] or at.query_params["dataset"] == "lesson-set"
    unknown = open_as("pages/dataset.py", {"dataset": "no-such-set"})
    assert "no-such-set" in texts(unknown.warning)


def test_instructor_sets_the_class_default_dataset(app_demo, demo_prepared, roots):
    shutil.copytree(demo_prepared, settings.prepared_root() / "class-set")
    classroom.record_dataset_owner(settings.prepared_root() / "class-set", "teacher")
    student = open_as("pages/dataset.py", {"user": "ana"})
    assert not any(o.endswith("class-set") for o in student.sidebar.selectbox[0].options)
    teacher = open_as("pages/dataset.py", {"user": "teacher"}, instructor=True)
    teacher.sidebar.selectbox(key="class_default_pick").set_value("class-set").run()
    assert classroom.load()["default_dataset"] == "class-set"
    fresh = open_as("pages/train.py", {"user": "cho"})
    assert fresh.sidebar.selectbox[0].value.endswith("class-set")
    classroom.set_default_dataset(None)
    teacher.sidebar.number_input(key="class_minutes_pick").set_value(45).run()
    assert classroom.load()["max_run_minutes"] == 45
    teacher.sidebar.number_input(key="class_minutes_pick").set_value(0).run()  # 0: no limit
    assert classroom.load()["max_run_minutes"] is None
    classroom.set_max_run_minutes(classroom.DEFAULTS["max_run_minutes"])


def test_a_reclaimed_run_says_why_on_its_card(app_demo, roots):
    from weather_core import jobs

    sleeper = __import__("subprocess").Popen(["sleep", "60"], start_new_session=True)
    hung = owned_run(roots / "runs", "20990101-000009-model_1-hung", "ana", state="running", pid=sleeper.pid,
                     started=time.time())
    status = runs.read_json(hung / "status.json")
    runs.write_json_atomic(hung / "status.json", {**status, "updated": time.time() - 3600})
    try:
        assert jobs.reclaim_stale(runs.list_runs(roots / "runs")) == [hung]
        at = open_as("pages/train.py", {"user": "ana", "run": hung.name})
        assert "no sign of progress for 60 min" in texts(at.error)
        assert i18n.t("stopped.resume") in labels(at)  # its owner can resume it
    finally:
        sleeper.kill()
        shutil.rmtree(hung)


def test_queue_timeline_and_per_owner_cap_message(app_demo, roots, monkeypatch):
    monkeypatch.setenv("WEATHER_MAX_RUNS_PER_OWNER", "1")
    busy = owned_run(roots / "runs", "20990101-000003-model_1-busy", "ben", state="running",
                     pid=os.getpid(), started=time.time())
    waiting = owned_run(roots / "runs", "20990101-000004-model_1-wait", "ana", waiting=True, pid=None)
    at = open_as("pages/train.py", {"user": "ana"})
    assert i18n.t("queue.title") in texts(at.header)
    assert len(at.get("plotly_chart")) >= 1
    queue = at.dataframe[-1].value
    assert list(queue[i18n.t("queue.col.owner")]) == ["ben", "ana"]
    # how long the class waits: one run waiting, the queue clear when the last finish is due
    wait = next(m.value for m in at.markdown if m.value.startswith(i18n.t("queue.wait", n=1, clear="").split("{")[0][:12]))
    assert list(queue[i18n.t("queue.col.finishes")])[-1] in wait
    at.button[0].click().run()  # Start: ana already has a run waiting, the cap is 1
    assert "ana already has 1 trainings queued or running" in texts(at.error)
    for run_dir in (busy, waiting):
        shutil.rmtree(run_dir)


def test_leaderboard_lists_both_students(trained_run, roots):
    for owner, accuracy in (("ana", 0.75), ("ben", 0.8)):
        copy = shutil.copytree(trained_run, roots / "runs" / f"20990101-00001{len(owner)}-{owner}")
        runs.write_json_atomic(copy / "config.json", {**runs.read_json(copy / "config.json"), "owner": owner})
        runs.write_status(copy, "finished", test_accuracy=accuracy)
    at = open_as("pages/leaderboard.py", {"user": "ana"})
    board = at.table[0].value
    owners = list(board[i18n.t("leaderboard.col.owner")])
    assert owners[:2] == ["ben", "ana ★"]
    assert list(board[i18n.t("leaderboard.col.rank")])[:2] == [1, 2]
    # without a test_n in status there is no error bar, so nothing is called tied
    assert list(board[i18n.t("leaderboard.col.tied")])[:2] == ["", ""]
    assert i18n.t("leaderboard.none_tied") in " ".join(c.value for c in at.caption)


def test_leaderboard_dot_plot_shows_error_bars_and_the_runs_tied_with_the_top(trained_run, roots):
    import json

    for name, accuracy, recipe in (("a", 0.95, "quick"), ("b", 0.93, "best"), ("c", 0.80, "quick")):
        copy = shutil.copytree(trained_run, roots / "runs" / f"20990102-00000{name}-run")
        runs.write_json_atomic(copy / "config.json", {**runs.read_json(copy / "config.json"),
                                                     "owner": "ana", "recipe": recipe})
        runs.write_status(copy, "finished", test_accuracy=accuracy, test_n=169)
    at = open_as("pages/leaderboard.py", {"user": "ana"})
    assert not at.exception
    board = at.table[0].value
    tests = list(board[i18n.t("leaderboard.col.test")])
    assert tests[:3] == ["95.0% ± 1.7", "93.0% ± 2.0", "80.0% ± 3.1"]
    assert list(board[i18n.t("leaderboard.col.tied")])[:3] == ["", "≈ 1", ""]
    assert i18n.t("leaderboard.tied_note", n=1) in " ".join(c.value for c in at.caption)
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    # one trace per recipe; these runs changed their recipe's settings (model_1, one epoch), and say so
    custom = {name: i18n.t("leaderboard.custom_short", recipe=name) for name in ("best", "quick")}
    assert sorted(trace["name"] for trace in traces) == sorted(custom.values())
    quick = next(trace for trace in traces if trace["name"] == custom["quick"])
    assert quick["error_y"]["array"][0] > 0.016 and "star" in quick["marker"]["symbol"]


def test_leaderboard_ranks_one_dataset_names_custom_recipes_and_links_each_run(trained_run, roots):
    real = roots / "data" / "prepared" / "real-photos"
    real.mkdir(parents=True, exist_ok=True)
    for name, data, accuracy in (("demo-a", None, 0.9), ("real-a", str(real), 0.7), ("real-b", str(real), 0.8)):
        copy = shutil.copytree(trained_run, roots / "runs" / f"20990103-00000{len(name)}-{name}")
        config = runs.read_json(copy / "config.json")
        runs.write_json_atomic(copy / "config.json", {**config, "owner": "ana", "data": data or config["data"]})
        runs.write_status(copy, "finished", test_accuracy=accuracy, test_n=100)
    at = open_as("pages/leaderboard.py", {"user": "ana"})
    assert not at.exception
    picker = next(s for s in at.selectbox if s.label == i18n.t("leaderboard.dataset"))
    assert i18n.t("leaderboard.dataset_option", name="real-photos", n=2) in picker.options
    picker.set_value(str(real.resolve())).run()
    assert not at.exception
    board = at.table[0].value
    linked = list(board[i18n.t("leaderboard.col.run")])
    assert len(linked) == 2 and "real\\-b" in linked[0] and "(errors?run=20990103-000006-real-b&lang=en)" in linked[0]
    recipe = list(board[i18n.t("leaderboard.col.recipe")])[0]
    config = runs.read_json(trained_run / "config.json")
    assert config["recipe"] == "quick" and recipe.startswith("custom (from quick: ")  # model_1, 1 epoch...
    assert "epochs" in recipe and "model" in recipe
    assert set(board[i18n.t("leaderboard.col.dataset")]) == {"real\\-photos"}  # markdown-escaped
    assert any(b.proto.label == i18n.t("leaderboard.csv") for b in at.get("download_button"))
    # the link opens Errors on that run, not on the best one
    errors = open_as("pages/errors.py", {"user": "ana", "run": "20990103-000006-real-a"})
    assert not errors.exception and errors.selectbox[0].value == "20990103-000006-real-a"
