"""Training runs end to end on tiny settings: every run-folder file, cancel, kill, queue, atomic saves."""

import errno
import json

import numpy as np
import pytest

from weather_core.models import device
from weather_core.training import callback as run_callback
from weather_core.use import evaluation
from weather_core.use import inference
from weather_core import jobs, runs, training
from weather_core.training import TrainConfig
from support import wait_for

TINY = dict(model="model_1", epochs=2, batch_size=16, image_size=32, learning_rate=1e-3)


@pytest.fixture(scope="module")
def tiny_run(demo_prepared, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    run_dir, status = training.train(TrainConfig(data=str(demo_prepared), **TINY), root=root)
    return run_dir, status


def test_a_tiny_run_writes_every_file(tiny_run):
    run_dir, status = tiny_run
    names = {p.name for p in run_dir.iterdir()}
    assert {"config.json", "status.json", "metrics.jsonl", "best.keras", "last.keras",
            "evaluation.json"} <= names
    assert not [n for n in names if n.startswith(".tmp")]
    config = json.loads((run_dir / "config.json").read_text())
    assert config["model"] == "model_1" and config["image_size"] == 32 and config["seed"] == 123
    assert config["packages"]["tensorflow"] and config["packages"]["keras"].startswith("3.")
    assert config["device"]["type"] in ("CPU", "GPU") and config["mixed_precision"] is True
    assert config["split"]["train"]["count"] == 32 and len(config["split"]["test"]["files"]) == 12
    rows = runs.read_metrics(run_dir)
    assert [r["epoch"] for r in rows] == [1, 2]
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds",
                "train_images_per_second"):
        assert all(np.isfinite(r[key]) for r in rows), key
    assert status["state"] == "finished" and runs.current_state(run_dir) == "finished"
    assert 0.0 <= status["test_accuracy"] <= 1.0 and status["test_n"] == 12



def test_a_run_has_tensorboard_event_files_with_its_epochs(tiny_run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    run_dir, _ = tiny_run
    rows = runs.read_metrics(run_dir)
    for split, prefix in (("train", ""), ("validation", "val_")):
        folder = run_dir / training.TENSORBOARD_DIR / split
        assert list(folder.glob("events.out.tfevents.*")), split
        events = EventAccumulator(str(folder)).Reload()
        accuracy = events.Tensors("epoch_accuracy")
        assert [event.step for event in accuracy] == [0, 1]
        logged = [float(make_ndarray(event.tensor_proto)) for event in accuracy]
        assert logged == pytest.approx([row[prefix + "accuracy"] for row in rows], abs=1e-6)

def test_a_run_logs_its_settings_and_test_score_for_tensorboards_hparams_tab(tiny_run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams import metadata
    from tensorboard.util.tensor_util import make_ndarray

    run_dir, status = tiny_run
    events = EventAccumulator(str(run_dir / training.TENSORBOARD_DIR)).Reload()
    session = metadata.parse_session_start_info_plugin_data(
        events.SummaryMetadata(metadata.SESSION_START_INFO_TAG).plugin_data.content)
    logged = {key: value.ListFields()[0][1] for key, value in session.hparams.items()}
    config = json.loads((run_dir / "config.json").read_text())
    assert logged["model"] == config["model"] and logged["image_size"] == config["image_size"]
    assert logged["learning_rate"] == pytest.approx(config["learning_rate"])
    assert logged["flip"] is bool(config["flip"]) and session.group_name == run_dir.name
    test = events.Tensors("test_accuracy")
    assert float(make_ndarray(test[0].tensor_proto)) == pytest.approx(status["test_accuracy"])


def test_evaluation_covers_every_test_photo(tiny_run):
    run_dir, status = tiny_run
    report = evaluation.evaluate_run(run_dir)
    assert report["n"] == 12 == sum(map(sum, report["confusion_matrix"]))
    assert report["accuracy"] == pytest.approx(status["test_accuracy"])
    correct = sum(report["confusion_matrix"][i][i] for i in range(4))
    assert len(report["misclassified"]) == 12 - correct
    assert len(report["predictions"]) == 12
    assert all(row["confidence"] == max(row["probabilities"].values()) for row in report["predictions"])


def test_metrics_from_predictions_by_hand():
    probabilities = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]
    report, predicted = evaluation.metrics_from_predictions([0, 1, 1, 1], probabilities, ["a", "b"])
    assert predicted.tolist() == [0, 1, 0, 1]
    assert report["confusion_matrix"] == [[1, 0], [1, 2]]
    assert report["accuracy"] == 0.75
    assert report["per_class"]["a"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert report["per_class"]["b"]["recall"] == pytest.approx(2 / 3)
    assert report["loss"] == pytest.approx(-np.mean(np.log([0.9, 0.8, 0.4, 0.7])))


def test_predict_real_and_bad_files(tiny_run, demo_raw, tmp_path):
    run_dir, _ = tiny_run
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    photo = sorted(demo_raw.glob("rain*.jpg"))[0]
    results = inference.predict(run_dir, [photo, text, empty])
    assert results[0]["class"] in ("cloudy", "rain", "shine", "sunrise")
    assert sum(results[0]["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
    assert "error" in results[1] and "error" in results[2]


def test_failed_save_keeps_the_previous_model(tiny_run, tmp_path, monkeypatch):
    run_dir, _ = tiny_run
    model = inference.load_model(run_dir)
    target = tmp_path / "best.keras"
    run_callback.save_model_atomic(model, target)
    before = target.read_bytes()

    def disk_full(path, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(model, "save", disk_full)
    with pytest.raises(OSError, match="No space"):
        run_callback.save_model_atomic(model, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["best.keras"]


def test_bad_configs_are_refused_before_anything_runs(demo_prepared, tmp_path):
    for bad in (dict(epochs=0), dict(image_size=8), dict(model="model_9"), dict(learning_rate=5),
                dict(mixup=-0.1), dict(mixup=2.0)):
        with pytest.raises(ValueError):
            training.create_run(TrainConfig(data=str(demo_prepared), **{**TINY, **bad}), tmp_path)
    with pytest.raises(ValueError):
        training.create_run(TrainConfig(data=str(tmp_path / "missing"), **TINY), tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # trains in a subprocess
def test_cancel_stops_after_the_current_epoch_and_keeps_the_model(demo_prepared, tmp_path):
    config = TrainConfig(data=str(demo_prepared), **{**TINY, "epochs": 200})
    run_dir = jobs.start_in_background(config, tmp_path, owner="ana")
    try:
        assert wait_for(lambda: len(runs.read_metrics(run_dir)) >= 1)
        runs.request_cancel(run_dir)
        assert wait_for(lambda: runs.current_state(run_dir) == "cancelled", timeout=120)
        assert 1 <= len(runs.read_metrics(run_dir)) < 200
        assert (run_dir / runs.BEST_MODEL).exists()
    finally:
        jobs.kill(run_dir)


@pytest.mark.slow  # trains in a subprocess
def test_killed_training_shows_interrupted_and_keeps_its_files(demo_prepared, tmp_path):
    config = TrainConfig(data=str(demo_prepared), **{**TINY, "epochs": 200})
    run_dir = jobs.start_in_background(config, tmp_path, owner="ana")
    assert wait_for(lambda: len(runs.read_metrics(run_dir)) >= 1)
    jobs.kill(run_dir)
    assert wait_for(lambda: runs.current_state(run_dir) == "interrupted", timeout=30)
    assert len(runs.read_metrics(run_dir)) >= 1
    assert inference.predict(run_dir, [next((demo_prepared / "sorted" / "rain").iterdir())])[0]["class"]


@pytest.mark.slow  # trains in a subprocess
def test_second_training_waits_in_the_queue(demo_prepared, tmp_path):
    first = jobs.start_in_background(TrainConfig(data=str(demo_prepared), **{**TINY, "epochs": 200}), tmp_path,
                                   owner="ana")
    second = None
    try:
        assert wait_for(lambda: runs.current_state(first) == "running")
        second = jobs.start_in_background(TrainConfig(data=str(demo_prepared), **TINY), tmp_path, owner="ben")
        assert wait_for(lambda: runs.read_json(second / "status.json").get("position") == 0, timeout=60)
        assert runs.current_state(second) == "queued" and not runs.read_metrics(second)
        runs.request_cancel(first)
        assert wait_for(lambda: runs.current_state(second) == "finished", timeout=180)
    finally:
        jobs.kill(first)
        if second:
            jobs.kill(second)


@pytest.mark.slow  # trains in a subprocess
def test_interrupted_run_resumes_from_its_last_epoch(demo_prepared, tmp_path):
    # model_3 at 64 px: slow enough per epoch that the kill lands mid-run.
    config = TrainConfig(data=str(demo_prepared), **{**TINY, "epochs": 3, "model": "model_3",
                                                     "image_size": 64, "batch_size": 8})
    run_dir = jobs.start_in_background(config, tmp_path, owner="ana")
    assert wait_for(lambda: len(runs.read_metrics(run_dir)) >= 1)
    jobs.kill(run_dir)
    assert wait_for(lambda: runs.current_state(run_dir) == "interrupted", timeout=30)
    kept = len(runs.read_metrics(run_dir))
    jobs.resume_in_background(run_dir)
    assert wait_for(lambda: runs.current_state(run_dir) == "finished", timeout=180)
    epochs = [row["epoch"] for row in runs.read_metrics(run_dir)]
    assert epochs == list(range(1, 4)) and kept < 3
    jobs.discard(run_dir, tmp_path)
    assert not run_dir.exists()


def test_precision_policy_where_it_pays(monkeypatch):
    monkeypatch.setattr(device, "cpu_has_bf16", lambda: True)
    assert device.precision_policy([], (0, 0)) == "mixed_bfloat16"
    assert device.precision_policy([], (0, 0), allowed=False) == "float32"
    monkeypatch.setattr(device, "cpu_has_bf16", lambda: False)
    assert device.precision_policy([], (0, 0)) == "float32"
    assert device.precision_policy(["gpu"], (8, 0)) == "mixed_float16"
    assert device.precision_policy(["gpu"], (6, 1)) == "float32"  # no tensor cores: no gain


def test_mixed_precision_model_is_served_in_float32(tiny_run):
    run_dir, _ = tiny_run
    config = json.loads((run_dir / "config.json").read_text())
    assert config["device"]["precision"] in ("float32", "mixed_bfloat16")
    model = inference.load_model(run_dir)
    assert {layer.dtype_policy.name for layer in model.layers} == {"float32"}
