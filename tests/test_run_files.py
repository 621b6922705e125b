"""One writer per run file: config.json is written by runs/store.py alone (once at creation, with
its owner, and one named update when the worker starts), status.json only through runs/status.py's
named transitions, and a training that cannot start leaves no run folder behind."""

import ast
import inspect
import shutil
from pathlib import Path

import pytest

from weather_core import atomic, data, jobs, runs, training
from support import TINY

PACKAGE = Path(__file__).resolve().parent.parent / "weather_core"


@pytest.fixture
def config_writers(monkeypatch):
    """(file, function) of every code that wrote a config.json, through the atomic writer."""
    writers = []
    real = atomic.write_json

    def watching(path, payload, *args, **kwargs):
        if Path(path).name == "config.json":
            frame = next(f for f in inspect.stack()[1:] if f.function != "write_json_atomic")
            writers.append((Path(frame.filename).relative_to(PACKAGE.parent).as_posix(), frame.function))
        return real(path, payload, *args, **kwargs)

    monkeypatch.setattr(atomic, "write_json", watching)
    return writers


def test_only_the_run_store_writes_config_json_during_a_training(demo_prepared, tmp_path, config_writers):
    run_dir, status = training.train(training.TrainConfig(data=str(demo_prepared), **TINY), root=tmp_path)
    assert status["state"] == "finished", status
    assert config_writers == [("weather_core/runs/store.py", "create_run_folder"),
                              ("weather_core/runs/store.py", "record_training_facts")]
    config = runs.read_config(run_dir)
    assert config["class_names"] and config["split"]["train"]["count"] > 0 and "device" in config


def test_a_queued_run_has_its_owner_and_limit_from_its_first_write(demo_prepared, tmp_path, config_writers,
                                                                    monkeypatch):
    monkeypatch.setattr(jobs.run_queue, "dispatch", lambda root=None: [])  # queued only: nothing trains
    run_dir = jobs.start_in_background(training.TrainConfig(data=str(demo_prepared), **TINY), tmp_path,
                                       owner="ana")
    assert config_writers == [("weather_core/runs/store.py", "create_run_folder")]
    config = runs.read_config(run_dir)
    assert config["owner"] == "ana" and config["max_minutes"] == 120
    assert runs.read_status(run_dir)["waiting"] is True


def test_empty_splits_are_refused_before_a_run_folder_is_made(demo_prepared, tmp_path):
    hollow = tmp_path / "hollow"
    shutil.copytree(demo_prepared, hollow)
    for photo in (hollow / "split" / "val").rglob("*.*"):
        photo.unlink()
    with pytest.raises(data.DataError, match="at least one photo each"):
        training.create_run(training.TrainConfig(data=str(hollow), **TINY), tmp_path / "runs")
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_no_status_json_by_name_outside_the_runs_package():
    """Every read goes through runs.read_status, every write through a named transition."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "runs":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value == "status.json":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "write_status":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} write_status")
    assert found == []


def test_the_transitions_keep_what_a_status_carries(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    runs.mark_queued(run_dir, created=1.0, pid=None, waiting=True)
    runs.mark_running(run_dir, started=2.0, pid=123, epoch=0)
    failed = runs.mark_failed(run_dir, "out of memory")
    assert failed["state"] == "failed" and failed["error"] == "out of memory"
    assert (failed["created"], failed["started"], failed["pid"]) == (1.0, 2.0, 123)
    assert runs.read_status(run_dir) == failed
    assert runs.mark_cancelled(run_dir)["state"] == "cancelled" and "error" not in runs.read_status(run_dir)
    assert "finished" in runs.mark_finished(run_dir, epochs_done=1)
