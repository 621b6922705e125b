"""Hardening against faults: a full disk during a real training, two trainings started at the same
moment, at most N trainings at a time, run folders damaged by hand on every page, and interrupted
runs offered back for resume or discard."""

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from pages.ui import i18n
from pages.ui.formatting import plain
from weather_core.use import inference
from weather_core import jobs, runs, settings, training
from weather_core.training import TrainConfig
from support import TINY, assert_clean, demo_photo, lambda_run, open_page, shown, texts, wait_for

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


# ---------------------------------------------------------------------------------------------
# Faults: full disk during a real training; two trainings at once; at most N at a time


@pytest.mark.slow  # a real training
def test_disk_full_during_training_fails_the_run_and_keeps_the_saved_model(demo_prepared, empty_runs,
                                                                         monkeypatch):
    import keras

    real_save, calls = keras.Model.save, []

    def save(model, path, *args, **kwargs):
        calls.append(Path(path).name)
        if len(calls) <= 2:  # epoch 1: last.keras and best.keras are saved for real
            return real_save(model, path, *args, **kwargs)
        with open(path, "wb") as handle:
            handle.write(b"PK\x03\x04 partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    config = TrainConfig(data=str(demo_prepared), **{**TINY, "epochs": 3})
    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left"):
        patch.setattr(keras.Model, "save", save)
        training.train(config, root=empty_runs)
    (run_dir,) = runs.list_runs(empty_runs)
    run_dir = run_dir.path
    status = runs.read_json(run_dir / "status.json")
    assert status["state"] == "failed" == runs.current_state(run_dir)
    assert "No space left on device" in status["error"]
    assert [row["epoch"] for row in runs.read_metrics(run_dir)] == [1]
    assert not [p.name for p in run_dir.iterdir() if p.name.startswith(".tmp")]
    inference._MODELS.clear()
    assert inference.predict(run_dir, [next((demo_prepared / "sorted" / "rain").iterdir())])[0]["class"]
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert "No space left on device" in texts(at.error)


@pytest.mark.slow  # trains in a subprocess
def test_two_trainings_started_at_once_run_one_at_a_time(demo_prepared, empty_runs, monkeypatch):
    monkeypatch.setenv("WEATHER_MAX_TRAININGS", "1")
    # long enough (tens of seconds) that a fresh page session sees the queue before it drains
    epochs = 25
    config = TrainConfig(data=str(demo_prepared), **{**TINY, "epochs": epochs, "image_size": 64})
    barrier, started, failures = threading.Barrier(2), [], []

    def start(seed):
        barrier.wait()
        try:  # two seeds: the same settings twice within seconds would be one run (a double click)
            started.append(jobs.start_in_background(replace(config, seed=seed), owner="ana"))
        except Exception as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=start, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures and len(started) == 2
    try:
        both_running = []

        def watch():
            states = [runs.current_state(r) for r in started]
            if states.count("running") > 1:
                both_running.append(states)
            return "running" in states and "queued" in states

        assert wait_for(watch, timeout=240), [runs.current_state(r) for r in started]
        queued = next(r for r in started if runs.current_state(r) == "queued")
        # a page reload is a new session (ana's cookie names her): the queue lives in the runs root
        at = open_page("pages/train.py", user="ana")
        shown = next(r for r in started if r.name in texts(at.header))
        if shown == queued:
            assert "queue" in texts(at.info).lower()
        assert runs.current_state(queued) == "queued"
        def done():
            watch()  # keep sampling: never two running at once
            return all(runs.current_state(r) not in runs.ACTIVE for r in started)

        assert wait_for(done, timeout=600)
        assert not both_running, both_running
    finally:
        for run_dir in started:
            jobs.kill(run_dir)
    statuses = [runs.read_json(r / "status.json") for r in started]
    assert [s["state"] for s in statuses] == ["finished", "finished"], [r.joinpath("log.txt").read_text()[-1500:]
                                                                     for r in started]
    first, second = sorted(statuses, key=lambda s: s["started"])
    assert second["started"] >= first["finished"] - 0.5  # never both training
    for run_dir in started:
        lines = (run_dir / "metrics.jsonl").read_text().splitlines()
        assert [json.loads(line)["epoch"] for line in lines] == list(range(1, epochs + 1))
        assert isinstance(runs.read_json(run_dir / "config.json"), dict)
        assert not [p for p in run_dir.iterdir() if p.name.startswith(".")]
        assert inference.predict(run_dir, [next((demo_prepared / "sorted" / "sunrise").iterdir())])[0]["class"]


def test_slots_allow_at_most_n_trainings(tmp_path, monkeypatch):
    monkeypatch.delenv("WEATHER_MAX_TRAININGS", raising=False)
    assert settings.max_concurrent_trainings() == 1  # the default
    for value, expected in (("0", 1), ("1", 1), ("3", 3)):
        monkeypatch.setenv("WEATHER_MAX_TRAININGS", value)
        assert settings.max_concurrent_trainings() == expected
    monkeypatch.setenv("WEATHER_MAX_TRAININGS", "2")
    folders = []
    for index in range(3):
        run_dir = tmp_path / f"run-{index}"
        run_dir.mkdir()
        runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "image_size": 32})
        runs.write_status(run_dir, "queued", created=float(index), pid=os.getpid())
        folders.append(run_dir)
    first, second = jobs.acquire_slot(folders[0]), jobs.acquire_slot(folders[1])
    assert first is not None and second is not None
    assert jobs.acquire_slot(folders[2]) is None  # two slots, both taken
    runs.write_status(folders[0], "finished")
    first.release()
    third = jobs.acquire_slot(folders[2])
    assert third is not None
    second.release()
    third.release()


# ---------------------------------------------------------------------------------------------
# Run folders damaged by hand: listed as damaged on every page, never a crash


def _copy(run, root, name, **status):
    run_dir = shutil.copytree(run, root / name)
    if status:
        runs.write_status(run_dir, **status)
    return run_dir


@pytest.fixture
def damaged_runs(tiny_run, empty_runs, tmp_path):
    good = _copy(tiny_run, empty_runs, "20990101-000001-model_1-good")
    no_config = _copy(tiny_run, empty_runs, "20990101-000002-model_1-noconfig")
    (no_config / "config.json").unlink()
    bad_status = _copy(tiny_run, empty_runs, "20990101-000003-model_1-badstatus")
    (bad_status / "status.json").write_text('{"state": "finish')
    bad_metrics = _copy(tiny_run, empty_runs, "20990101-000004-model_1-badmetrics")
    (bad_metrics / "metrics.jsonl").write_text(
        '{"epoch": "one"}\n[1, 2]\nnot json\n{"epoch": 2, "seconds": "fast", "val_accuracy": "high"}\n'
        '{"epoch": 1, "accuracy": 0.5, "val_accuracy": 0.5, "loss": 1.0, "val_loss": 1.0, "seconds": 1.5}\n'
        '\xff\n{"epoch": 3, "lo')
    truncated = _copy(tiny_run, empty_runs, "20990101-000005-model_1-truncated", state="finished", test_accuracy=0.99)
    model = (truncated / runs.BEST_MODEL).read_bytes()
    (truncated / runs.BEST_MODEL).write_bytes(model[: len(model) // 3])
    (truncated / runs.LAST_MODEL).unlink()
    odd = _copy(tiny_run, empty_runs, "20990101-000006-model_1-odd")
    (odd / "status.json").write_text("[]")
    (odd / "config.json").write_text("null")
    weird_pid = _copy(tiny_run, empty_runs, "20990101-000007-model_1-weirdpid", state="running", pid=-1)
    metrics_dir = _copy(tiny_run, empty_runs, "20990101-000008-model_1-metricsdir")
    (metrics_dir / "metrics.jsonl").unlink()
    (metrics_dir / "metrics.jsonl").mkdir()
    (empty_runs / "20990101-000000-empty").mkdir()
    (empty_runs / "notes.txt").write_text("not a run")
    lambda_model = lambda_run(empty_runs, tmp_path / "code_ran")
    inference._MODELS.clear()
    return dict(good=good, no_config=no_config, bad_status=bad_status, bad_metrics=bad_metrics,
                truncated=truncated, odd=odd, weird_pid=weird_pid, metrics_dir=metrics_dir,
                lambda_run=lambda_model, marker=tmp_path / "code_ran")


def test_damaged_runs_are_listed_as_damaged(damaged_runs, empty_runs):
    states = {r.run_id: r.state for r in runs.list_runs()}
    assert states[damaged_runs["no_config"].name] == "damaged"
    assert states[damaged_runs["bad_status"].name] == "damaged"
    assert states[damaged_runs["odd"].name] == "damaged"
    assert states["20990101-000000-empty"] == "damaged"
    assert states[damaged_runs["weird_pid"].name] == "interrupted"  # pid -1 is never a live trainer
    assert states[damaged_runs["bad_metrics"].name] == "finished"
    assert [r["epoch"] for r in runs.read_metrics(damaged_runs["bad_metrics"])] == [1]
    assert runs.read_metrics(damaged_runs["metrics_dir"]) == []
    assert "notes.txt" not in states


def test_compare_page_with_damaged_runs(damaged_runs):
    at = open_page("pages/compare.py")
    picker = at.multiselect[0]
    picker.set_value(list(picker.options)).run()
    assert_clean(at)
    final = at.dataframe[0].value
    state = dict(zip(final[i18n.t("compare.col.run")], final[i18n.t("compare.col.state")]))
    assert state[damaged_runs["no_config"].name] == "damaged"
    assert state[damaged_runs["bad_status"].name] == "damaged"
    # a damaged folder that never trained an epoch has nothing to compare: not offered at all
    assert "20990101-000000-empty" not in state and not any("empty" in o for o in picker.options)
    assert state[damaged_runs["good"].name] == "finished"


def test_train_page_with_damaged_runs(damaged_runs):
    for key in ("bad_status", "odd", "no_config", "bad_metrics", "metrics_dir", "weird_pid"):
        at = open_page("pages/train.py", train_run=str(damaged_runs[key]))
        shown = texts(at.error)
        if key in ("bad_status", "odd", "weird_pid"):
            assert ("interrupted" if key == "weird_pid" else "damaged") in shown, (key, shown)
    at = open_page("pages/train.py")  # a fresh session: the interrupted run is offered back
    assert_clean(at)
    assert damaged_runs["weird_pid"].name in texts(at.header)


def test_classify_page_with_damaged_runs(damaged_runs, demo_raw):
    photo = ("sky.jpg", demo_photo(demo_raw, "shine2.jpg"), "image/jpeg")
    at = open_page("pages/classify.py")
    picker = next(s for s in at.selectbox if s.label == i18n.t("classify.pick_run"))
    assert picker.value == damaged_runs["truncated"].name  # the highest test accuracy
    expected = {"truncated": "cannot be loaded (damaged or not a Keras model file)",
                "lambda_run": "safe mode refuses", "no_config": "is damaged: config.json",
                "odd": "is damaged: config.json", "good": None}
    for key, message in expected.items():
        picker = next(s for s in at.selectbox if s.label == i18n.t("classify.pick_run"))
        picker.set_value(damaged_runs[key].name)
        at.file_uploader[0].set_value([photo])
        at.run()
        assert_clean(at)
        if message:
            assert message in texts(at.error), (key, texts(at.error))
        else:
            assert not at.error and any(shown(m.value).startswith("**sky.jpg**") for m in at.markdown)
    assert not damaged_runs["marker"].exists()


# ---------------------------------------------------------------------------------------------
# Interrupted runs (a killed worker, a restarted server): offered back for resume or discard


def _interrupted_run(tiny_run, root):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    run_dir = _copy(tiny_run, root, "20990101-000001-model_1-killed", state="running", pid=gone.pid, epoch=1)
    assert runs.current_state(run_dir) == "interrupted"
    return run_dir


def test_train_page_offers_resume_and_discard_for_an_interrupted_run(tiny_run, empty_runs):
    run_dir = _interrupted_run(tiny_run, empty_runs)
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert "interrupted" in texts(at.error)
    labels = [b.label for b in at.button]
    assert i18n.t("stopped.resume") in labels and i18n.t("stopped.discard") in labels, labels
    next(c for c in at.checkbox if c.label == i18n.t("stopped.confirm", run=plain(run_dir.name))).check().run()
    next(b for b in at.button if b.label == i18n.t("stopped.discard")).click().run()
    assert_clean(at)
    assert not run_dir.exists()


def test_fresh_train_page_offers_an_interrupted_run_back(tiny_run, empty_runs):
    _interrupted_run(tiny_run, empty_runs)
    at = open_page("pages/train.py")
    labels = [b.label for b in at.button]
    assert i18n.t("stopped.resume") in labels and i18n.t("stopped.discard") in labels, labels


def test_train_page_with_a_malformed_evaluation_file(tiny_run, empty_runs):
    run_dir = _copy(tiny_run, empty_runs, "20990101-000001-model_1-badeval")
    (run_dir / "evaluation.json").write_text('{"classes": 3}')
    open_page("pages/train.py", train_run=str(run_dir))  # asserts no exception element
