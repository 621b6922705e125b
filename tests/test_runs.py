"""Run folders are readable while written, tolerate damage, and never resolve outside the root."""

import json
import os

import pytest

from weather_core import runs


def _fake_run(root, name, state="finished", pid=None, metrics=()):
    run_dir = root / name
    run_dir.mkdir(parents=True)
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "image_size": 32})
    runs.write_status(run_dir, state, created=1.0, pid=pid)
    for row in metrics:
        runs.append_metrics(run_dir, row)
    return run_dir


def test_torn_last_metrics_line_is_ignored(tmp_path):
    run_dir = _fake_run(tmp_path, "r1", metrics=[{"epoch": 1, "loss": 1.0}, {"epoch": 2, "loss": 0.5}])
    with open(run_dir / "metrics.jsonl", "a") as handle:
        handle.write('{"epoch": 3, "lo')  # killed mid-write
    assert [row["epoch"] for row in runs.read_metrics(run_dir)] == [1, 2]


def test_active_run_without_a_live_process_is_interrupted(tmp_path):
    dead_pid = 2**22 + 12345  # above Linux's default pid_max: never a live process
    run_dir = _fake_run(tmp_path, "r1", state="running", pid=dead_pid)
    assert runs.current_state(run_dir) == "interrupted"
    alive = _fake_run(tmp_path, "r2", state="running", pid=os.getpid())
    assert runs.current_state(alive) == "running"


def test_damaged_folders_are_listed_not_fatal(tmp_path):
    _fake_run(tmp_path, "good")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    (tmp_path / "empty").mkdir()
    states = {run.run_id: run.state for run in runs.list_runs(tmp_path)}
    assert states == {"good": "finished", "broken": "damaged", "empty": "damaged"}


def test_resolve_run_refuses_paths_outside_the_root(tmp_path):
    root = tmp_path / "runs"
    _fake_run(root, "20260101-000000-model_1-abcd")
    outside = _fake_run(tmp_path, "elsewhere")
    assert runs.resolve_run("20260101-000000-model_1-abcd", root) == (root / "20260101-000000-model_1-abcd")
    for bad in ["../elsewhere", str(outside), "/etc", "..", "x/../../elsewhere"]:
        with pytest.raises(ValueError):
            runs.resolve_run(bad, root)


def test_status_keeps_created_and_pid_across_updates(tmp_path):
    run_dir = _fake_run(tmp_path, "r1", state="queued", pid=os.getpid())
    runs.write_status(run_dir, "running", epoch=1)
    status = json.loads((run_dir / "status.json").read_text())
    assert status["created"] == 1.0 and status["pid"] == os.getpid() and status["epoch"] == 1


def test_best_run_picks_highest_test_accuracy_with_a_model(tmp_path):
    a = _fake_run(tmp_path, "a")
    b = _fake_run(tmp_path, "b")
    c = _fake_run(tmp_path, "c")
    runs.write_status(a, "finished", test_accuracy=0.8)
    runs.write_status(b, "finished", test_accuracy=0.9)
    runs.write_status(c, "finished", test_accuracy=0.99)  # no model file: not usable
    (a / runs.BEST_MODEL).write_bytes(b"x")
    (b / runs.LAST_MODEL).write_bytes(b"x")
    assert runs.best_run(tmp_path).run_id == "b"
