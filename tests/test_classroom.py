"""One server for a class: waiting runs cost nothing (the dispatcher), owners and caps, the run
index, the queue timeline, the leaderboard, and the submit/status/cancel commands."""

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from support import ROOT, TINY, wait_for
from weather_core.jobs import classroom, timeline
from weather_core import jobs, runs, settings
from weather_core.runs.index import index_for
from weather_core.training import TrainConfig


@pytest.fixture
def class_roots(tmp_path, monkeypatch):
    for name in ("data", "runs"):
        monkeypatch.setenv(f"WEATHER_{name.upper()}_DIR", str(tmp_path / name))
    monkeypatch.setenv("WEATHER_MAX_TRAININGS", "1")
    (tmp_path / "runs").mkdir()
    return tmp_path


def busy_slot(root, name="20990101-000000-model_1-busy", owner="teacher"):
    """A run that holds the only slot: 'running' under this test's own (live) pid."""
    run_dir = root / name
    run_dir.mkdir()
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "image_size": 32, "epochs": 2,
                                                     "owner": owner})
    runs.write_status(run_dir, "running", created=1.0, started=1.0, pid=os.getpid())
    return run_dir


@pytest.mark.slow  # trains in a subprocess
def test_waiting_runs_have_no_process_and_start_when_the_slot_frees(class_roots, demo_prepared):
    root = class_roots / "runs"
    holder = busy_slot(root)
    config = TrainConfig(data=str(demo_prepared), **TINY)
    first = jobs.start_in_background(config, root, owner="ana")
    second = jobs.start_in_background(config, root, owner="ben")
    for position, run_dir in enumerate((first, second)):
        status = runs.read_json(run_dir / "status.json")
        assert status["waiting"] is True and status["pid"] is None and status["position"] == position
        assert runs.current_state(run_dir) == "queued"
    assert [r.owner for r in jobs.waiting_runs(runs.list_runs(root))] == ["ana", "ben"]
    jobs.cancel(second)  # a waiting run is cancelled at once, nothing to stop
    assert runs.current_state(second) == "cancelled"
    runs.write_status(holder, "finished")
    assert jobs.dispatch(root) == [first]
    try:
        assert wait_for(lambda: runs.current_state(first) == "finished", timeout=180), \
            (first / "log.txt").read_text()[-800:]
        assert runs.load_run(first).owner == "ana"
    finally:
        jobs.kill(first)


def test_a_double_click_queues_one_run_and_returns_it_twice(class_roots, demo_prepared, monkeypatch):
    root = class_roots / "runs"
    busy_slot(root)  # nothing starts: the runs stay queued
    monkeypatch.setenv("WEATHER_MAX_RUNS_PER_OWNER", "10")
    config = TrainConfig(data=str(demo_prepared), **TINY)
    first = jobs.start_in_background(config, root, owner="ana")
    assert jobs.start_in_background(config, root, owner="ana") == first  # the second click
    assert jobs.start_in_background(config, root, owner="ben") != first  # another student's
    assert jobs.start_in_background(replace(config, seed=9), root, owner="ana") != first  # other settings
    monkeypatch.setattr(jobs.run_queue, "DOUBLE_SUBMIT_SECONDS", -1)  # as if the window had passed
    assert jobs.start_in_background(config, root, owner="ana") != first  # on purpose, later
    assert sum(1 for r in runs.list_runs(root) if r.owner == "ana" and r.state == "queued") == 3


def test_per_owner_cap_and_epoch_pixel_cap(class_roots, demo_prepared, monkeypatch):
    root = class_roots / "runs"
    busy_slot(root, owner="ana")
    monkeypatch.setenv("WEATHER_MAX_RUNS_PER_OWNER", "2")
    config = TrainConfig(data=str(demo_prepared), **TINY)
    jobs.start_in_background(config, root, owner="ana")
    with pytest.raises(classroom.FairTurnError, match="ana already has 2 trainings"):
        jobs.start_in_background(replace(config, seed=2), root, owner="ana")
    jobs.start_in_background(config, root, owner="ben")  # another student still gets a turn
    jobs.start_in_background(replace(config, seed=3), root, owner="ana", instructor=True)  # not capped
    classroom.set_max_epoch_pixels(1000)
    big = TrainConfig(data=str(demo_prepared), **{**TINY, "epochs": 40, "image_size": 64})
    with pytest.raises(classroom.FairTurnError, match="40 epochs x 64 px = 2560 is over the class limit of 1000"):
        jobs.start_in_background(big, root, owner="cho")
    assert sum(1 for r in runs.list_runs(root) if r.owner == "cho") == 0  # nothing was created


def test_a_long_run_needs_a_confirmation_or_is_refused_where_the_instructor_forbids_it(class_roots, demo_prepared):
    root = class_roots / "runs"
    busy_slot(root)  # the new runs wait: nothing trains here
    classroom.set_max_epoch_pixels(None)  # the instructor lifted the epochs x pixels ceiling
    long = TrainConfig(data=str(demo_prepared), **{**TINY, "model": "model_3", "image_size": 250, "epochs": 400})
    minutes = classroom.estimated_minutes(long)
    assert minutes > 20 and classroom.DEFAULTS["long_run_minutes"] > classroom.estimated_minutes(
        TrainConfig(data=str(demo_prepared), **TINY))
    with pytest.raises(classroom.LongRunError, match=f"about {minutes:.0f} min, over the class's 15 min"):
        jobs.start_in_background(long, root, owner="ana")
    assert not [r for r in runs.list_runs(root) if r.owner == "ana"]  # nothing was created
    confirmed = jobs.start_in_background(long, root, owner="ana", confirmed_long=True)
    classroom.set_long_runs(20, forbid=True)
    with pytest.raises(classroom.FairTurnError, match="limit of 20 min set by the instructor") as refused:
        jobs.start_in_background(replace(long, seed=9), root, owner="ben", confirmed_long=True)
    assert not isinstance(refused.value, classroom.LongRunError)  # no confirmation can pass a forbid
    jobs.start_in_background(replace(long, seed=9), root, owner="teacher", instructor=True)  # not capped
    jobs.cancel(confirmed)


def test_only_owner_or_instructor_can_manage(class_roots):
    info = runs.load_run(busy_slot(class_roots / "runs", owner="ana"))
    assert classroom.can_manage(info, "ana") and classroom.can_manage(info, "ben", instructor=True)
    assert not classroom.can_manage(info, "ben") and not classroom.can_manage(info, "")
    with pytest.raises(PermissionError, match="belongs to ana"):
        classroom.require_manage(info, "ben")


def test_instructor_secret_and_logins():
    assert classroom.secret_matches("s3cret-words", "s3cret-words")
    assert not classroom.secret_matches("s3cret-word", "s3cret-words")
    assert not classroom.secret_matches("", "") and not classroom.secret_matches("x", None)
    assert classroom.is_allowed_login("Teacher@School.org", ["teacher@school.org"])
    assert not classroom.is_allowed_login("ana@school.org", ["teacher@school.org"])


def test_datasets_by_id_owner_and_class_default(class_roots, demo_prepared):
    import shutil

    mine = shutil.copytree(demo_prepared, settings.prepared_root() / "ana-set")
    theirs = shutil.copytree(demo_prepared, settings.prepared_root() / "ben-set")
    classroom.record_dataset_owner(mine, "ana")
    classroom.record_dataset_owner(theirs, "ben")
    assert classroom.dataset_path("ana-set") == mine and classroom.dataset_id(mine) == "ana-set"
    for bad in ("../ana-set", "/etc", "missing", ""):
        assert classroom.dataset_path(bad) is None
    paths = [settings.demo_dir(), mine, theirs]
    assert classroom.visible_datasets(paths, "ana") == [settings.demo_dir(), mine]
    classroom.set_default_dataset("ben-set")
    assert classroom.load()["default_dataset"] == "ben-set"
    assert classroom.visible_datasets(paths, "ana") == paths
    assert classroom.visible_datasets(paths, "cho", instructor=True) == paths
    with pytest.raises(ValueError):
        classroom.set_default_dataset("nope")


def _finished(root, name, owner, accuracy, seconds):
    run_dir = root / name
    run_dir.mkdir()
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "recipe": "quick", "owner": owner})
    runs.append_metrics(run_dir, {"epoch": 1, "seconds": seconds})
    runs.write_status(run_dir, "finished", created=1.0, test_accuracy=accuracy)


def test_leaderboard_best_first_ties_broken_by_time(tmp_path):
    _finished(tmp_path, "a", "ana", 0.9, 50.0)
    _finished(tmp_path, "b", "ben", 0.95, 80.0)
    _finished(tmp_path, "c", "cho", 0.9, 20.0)
    board = classroom.leaderboard(runs.list_runs(tmp_path))
    assert [(row["rank"], row["owner"]) for row in board] == [(1, "ben"), (2, "cho"), (3, "ana")]
    assert board[0]["recipe"] == "quick" and board[0]["seconds"] == 80.0
    # model_1 is not quick's model: the row says so, and names what differs
    assert board[0]["custom"] and "model" in board[0]["changed"] and board[0]["dataset"] == ""
    assert classroom.leaderboard(runs.list_runs(tmp_path), dataset="/elsewhere") == []  # other photos
    assert len(classroom.leaderboard(runs.list_runs(tmp_path), dataset="")) == 3


def test_leaderboard_marks_runs_within_one_standard_error_of_the_top_as_tied(tmp_path):
    for name, accuracy, n in (("a", 0.95, 169), ("b", 0.93, 169), ("c", 0.85, 169), ("d", 0.94, None)):
        _finished(tmp_path, name, "ana", accuracy, 10.0)
        if n:
            runs.write_status(tmp_path / name, "finished", created=1.0, test_accuracy=accuracy, test_n=n)
    board = {row["run"]: row for row in classroom.leaderboard(runs.list_runs(tmp_path))}
    assert board["a"]["rank"] == 1 and board["a"]["standard_error"] == pytest.approx(0.01677, abs=1e-5)
    # 2 points behind with sqrt(0.0168^2 + 0.0196^2) = 2.6 points of noise: tied; 10 behind: not
    assert board["b"]["tied"] and not board["c"]["tied"] and not board["a"]["tied"]
    assert board["d"]["n"] is None and board["d"]["standard_error"] is None and not board["d"]["tied"]


def test_run_index_rereads_only_changed_runs(tmp_path):
    for index in range(20):
        _finished(tmp_path, f"r{index:02d}", "ana", 0.5, 1.0)
    index = index_for(tmp_path)
    assert len(runs.list_runs(tmp_path)) == 20 and index.reads == 20
    runs.list_runs(tmp_path)
    assert index.reads == 20  # nothing changed, nothing read
    runs.append_metrics(tmp_path / "r03", {"epoch": 2, "seconds": 1.0})
    listed = {r.run_id: r for r in runs.list_runs(tmp_path)}
    assert index.reads == 21 and len(listed["r03"].metrics) == 2
    import shutil

    shutil.rmtree(tmp_path / "r04")
    assert "r04" not in {r.run_id for r in runs.list_runs(tmp_path)}
    assert [r.run_id for r in runs.list_runs(tmp_path)] == [r.run_id for r in runs.scan_runs(tmp_path)]


def test_timeline_queues_waiting_runs_behind_the_running_one(class_roots, demo_prepared):
    root = class_roots / "runs"
    busy_slot(root)
    config = TrainConfig(data=str(demo_prepared), **TINY)
    first = jobs.start_in_background(config, root, owner="ana")
    second = jobs.start_in_background(config, root, owner="ben")
    rows = timeline.plan(runs.list_runs(root), now=1000.0)
    assert [row["state"] for row in rows] == ["running", "waiting", "waiting"]
    assert [row["run"] for row in rows[1:]] == [first.name, second.name]
    assert rows[1]["start"] == rows[0]["finish"] and rows[2]["start"] == rows[1]["finish"]
    assert rows[1]["finish"] - rows[1]["start"] == pytest.approx(timeline.expected_seconds(runs.load_run(first)))


def test_cli_submit_status_cancel(class_roots, demo_prepared):
    root = class_roots / "runs"
    busy_slot(root)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "weather_core", *args], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ}, timeout=120)

    done = cli("submit", "--data", str(demo_prepared), "--model", "model_1", "--epochs", "1",
               "--image-size", "32", "--owner", "ana", "--json")
    assert done.returncode == 0, done.stderr
    submitted = json.loads(done.stdout)
    assert set(submitted) == {"run_dir", "backend", "job_id"} and submitted["backend"] == "local"
    status = json.loads(cli("status", submitted["run_dir"], "--json").stdout)
    assert status["state"] == "queued" and status["owner"] == "ana" and status["position"] == 0
    cancelled = cli("cancel", submitted["job_id"])
    assert cancelled.returncode == 0, cancelled.stderr
    assert json.loads(cli("status", submitted["job_id"], "--json").stdout)["state"] == "cancelled"
    again = cli("cancel", submitted["job_id"])
    assert again.returncode == 2 and "nothing to cancel" in again.stderr


def test_finished_workers_are_reaped_not_left_as_zombies(tmp_path):
    process = jobs.launch(["--help"], tmp_path)  # exits at once, as a finished worker does
    # a zombie keeps its /proc entry until its parent waits for it
    assert wait_for(lambda: not os.path.exists(f"/proc/{process.pid}"), timeout=60)
