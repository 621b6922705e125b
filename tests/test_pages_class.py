"""The class pages under AppTest: names and roles (who may cancel, resume or discard), the dataset a
lesson link names, the instructor's secret and settings, the queue timeline, the leaderboard."""

import os
import shutil
import time

import pytest

from pages.ui import i18n
from support import APP, TIMEOUT, assert_clean, texts
from weather_core.jobs import classroom
from weather_core import runs, settings

pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


def open_as(page, params=(), secrets=None, **state):
    """A fresh browser session on `page` with URL query parameters, secrets.toml and session state."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in dict(params).items():
        at.query_params[key] = value
    for section, values in (secrets or {}).items():
        at.secrets[section] = values
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert_clean(at)
    return at


def owned_run(root, name, owner, state="queued", **status):
    run_dir = root / name
    run_dir.mkdir(parents=True)
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "epochs": 3, "image_size": 32,
                                                     "owner": owner, "recipe": "quick"})
    runs.write_status(run_dir, state, created=time.time(), **status)
    return run_dir


def labels(at):
    return [b.label for b in at.button]


def test_only_the_owner_or_the_instructor_can_cancel(app_demo, roots):
    # the only slot is held (by this test's live pid), so ana's run waits in the queue
    busy = owned_run(roots / "runs", "20990101-000000-model_1-busy", "teacher", state="running", pid=os.getpid())
    run_dir = owned_run(roots / "runs", "20990101-000001-model_1-anaa", "ana", waiting=True, pid=None)
    ben = open_as("pages/train.py", {"user": "ben", "run": run_dir.name})
    assert i18n.t("train.cancel") not in labels(ben)
    assert i18n.t("who.not_yours", owner="ana") in texts(ben.caption)
    ana = open_as("pages/train.py", {"user": "ana"})  # a reload: the name comes back from the URL
    assert ana.sidebar.text_input[0].value == "ana"
    assert run_dir.name in texts(ana.subheader)
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
    assert i18n.t("who.instructor_refused") in texts(teacher.sidebar.caption)
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


def test_queue_timeline_and_per_owner_cap_message(app_demo, roots, monkeypatch):
    monkeypatch.setenv("WEATHER_MAX_RUNS_PER_OWNER", "1")
    busy = owned_run(roots / "runs", "20990101-000003-model_1-busy", "ben", state="running",
                     pid=os.getpid(), started=time.time())
    waiting = owned_run(roots / "runs", "20990101-000004-model_1-wait", "ana", waiting=True, pid=None)
    at = open_as("pages/train.py", {"user": "ana"})
    assert i18n.t("queue.title") in texts(at.subheader)
    assert len(at.get("plotly_chart")) >= 1
    queue = at.dataframe[-1].value
    assert list(queue[i18n.t("queue.col.owner")]) == ["ben", "ana"]
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
