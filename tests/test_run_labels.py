"""Unfinished runs say so wherever they are listed and are never the default choice."""

import json

import pytest

from weather_core import runs


def fake_run(root, name, state, accuracy=None, model=True):
    run_dir = root / name
    run_dir.mkdir()
    (run_dir / "config.json").write_text(json.dumps({"model": "model_1"}))
    extra = {} if accuracy is None else {"test_accuracy": accuracy}
    runs.write_status(run_dir, state, pid=None, **extra)
    if model:
        (run_dir / runs.BEST_MODEL).write_bytes(b"x")
    return run_dir


def test_labels_name_the_state_of_unfinished_runs(tmp_path):
    fake_run(tmp_path, "done", "finished", 0.9)
    fake_run(tmp_path, "stopped", "cancelled", 0.95)
    fake_run(tmp_path, "broken", "failed")
    labels = {r.run_id: r.label() for r in runs.list_runs(tmp_path)}
    assert labels == {"done": "done (test 90.0%)", "stopped": "stopped (CANCELLED, test 95.0%)",
                      "broken": "broken (FAILED)"}


def test_best_run_ignores_cancelled_failed_and_interrupted_runs(tmp_path):
    fake_run(tmp_path, "a-cancelled", "cancelled", 0.99)
    fake_run(tmp_path, "b-failed", "failed", 0.98)
    fake_run(tmp_path, "c-interrupted", "running", 0.97)  # no live process: interrupted
    assert runs.best_run(tmp_path) is None
    fake_run(tmp_path, "d-finished", "finished", 0.6)
    assert runs.best_run(tmp_path).run_id == "d-finished"
    listed = runs.list_runs(tmp_path)
    assert runs.best_run(candidates=[r for r in listed if r.run_id != "d-finished"]) is None


@pytest.mark.usefixtures("roots")
def test_classify_preselects_the_best_finished_run_not_a_better_cancelled_one(empty_runs):
    from support import open_page

    fake_run(empty_runs, "20990101-000003-model_3-cccc", "cancelled", 0.99)
    fake_run(empty_runs, "20990101-000002-model_3-ffff", "finished", 0.80)
    fake_run(empty_runs, "20990101-000001-model_3-aaaa", "finished", 0.85)
    at = open_page("pages/classify.py")
    picker = at.selectbox[0]
    assert picker.value == "20990101-000001-model_3-aaaa"
    assert "20990101-000003-model_3-cccc (CANCELLED, test 99.0%)" in picker.options
