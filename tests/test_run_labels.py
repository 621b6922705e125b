"""Unfinished runs say so wherever they are listed and are never the default choice."""

import json

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
