"""Feedback within seconds: batch-level progress rows, the phase, a measured ETA, and a cancel that
stops at the next batch while keeping the last completed epoch's model."""

import pytest

from weather_core.training import callback as run_callback
from weather_core import runs, training
from weather_core.training import estimate
from weather_core.training.estimate import seconds_left
from weather_core.training import TrainConfig

SMALL = dict(model="model_1", epochs=3, batch_size=2, image_size=32, learning_rate=1e-3)


def test_eta_during_the_first_epoch_uses_its_pace_and_validation_allowance():
    # 10 of 40 batches in 5 s: 20 s an epoch, +15 % validation, 3 epochs in all.
    assert seconds_left([], epochs=3, epoch=1, batch=10, steps=40, epoch_elapsed=5.0) == pytest.approx(64.0)
    assert seconds_left([], epochs=3, epoch=1, batch=0, steps=40, epoch_elapsed=5.0) is None
    # the first batches also trace the model: no figure before MIN_ETA_BATCHES ("38 min" for 2 min)
    assert seconds_left([], epochs=3, epoch=1, batch=2, steps=40, epoch_elapsed=9.0) is None
    assert seconds_left([], epochs=3, epoch=1, batch=3, steps=40, epoch_elapsed=9.0) is not None
    assert seconds_left([], epochs=1, epoch=1, batch=2, steps=2, epoch_elapsed=1.0) is not None  # a tiny epoch


def test_eta_after_an_epoch_follows_the_measured_epochs():
    # Epochs measured at 30 and 50 s (a loaded machine slowed down): 40 s each from now on.
    assert seconds_left([30.0, 50.0], epochs=5, epoch=3, batch=4, steps=10, epoch_elapsed=10.0) == 110.0
    assert seconds_left([30.0], epochs=1, epoch=1, batch=10, steps=10, epoch_elapsed=40.0) == 0.0


@pytest.fixture
def every_batch(monkeypatch):
    monkeypatch.setattr(run_callback, "PROGRESS_EVERY", 0.0)


def test_progress_rows_arrive_between_epochs_and_status_names_the_phase(demo_prepared, tmp_path,
                                                                         every_batch, monkeypatch):
    phases = []
    write = runs.write_status

    def recording(run_dir, state, **extra):
        phases.append(extra.get("phase"))
        return write(run_dir, state, **extra)

    monkeypatch.setattr(runs.status, "write_status", recording)  # every named transition writes through it
    run_dir, status = training.train(TrainConfig(data=str(demo_prepared), **SMALL), root=tmp_path)
    assert status["state"] == "finished"
    rows = runs.read_progress(run_dir)
    steps = 16  # 32 training photos in batches of 2
    assert len(rows) == 3 * steps
    assert [r["epoch"] for r in rows[:3]] == [pytest.approx(1 / steps), pytest.approx(2 / steps),
                                              pytest.approx(3 / steps)]
    assert all(0 <= r["loss"] and 0 <= r["accuracy"] <= 1 for r in rows)
    assert [p for p in dict.fromkeys(phases) if p] == ["loading", "training", "validating", "saving",
                                                      "testing"]


def test_cancel_stops_at_the_next_batch_and_keeps_the_last_completed_epoch(demo_prepared, tmp_path,
                                                                          every_batch, monkeypatch):
    seen = []
    append = runs.append_progress

    def cancel_in_epoch_two(run_dir, row):
        seen.append(row["epoch"])
        if row["epoch"] > 1.5:
            runs.request_cancel(run_dir)
        return append(run_dir, row)

    monkeypatch.setattr(runs, "append_progress", cancel_in_epoch_two)
    config = TrainConfig(data=str(demo_prepared), **{**SMALL, "epochs": 50})
    run_dir, status = training.train(config, root=tmp_path)
    assert status["state"] == "cancelled" and status["epochs_done"] == 1
    assert [row["epoch"] for row in runs.read_metrics(run_dir)] == [1]
    # The cancel was seen at the very next batch: one more row at most, none of a third epoch.
    first_over = next(i for i, e in enumerate(seen) if e > 1.5)
    assert len(seen) <= first_over + 2 and max(seen) < 2
    assert (run_dir / runs.LAST_MODEL).exists() and (run_dir / runs.BEST_MODEL).exists()
    assert not (run_dir / "evaluation.json").exists()  # a cancelled run is not scored as finished


def test_live_status_carries_phase_batch_and_eta(demo_prepared, tmp_path, every_batch, monkeypatch):
    statuses, every = [], []
    write = runs.write_status

    def recording(run_dir, state, **extra):
        result = write(run_dir, state, **extra)
        every.append(result)
        if extra.get("phase") == "training" and extra.get("batch"):
            statuses.append(result)
        return result

    monkeypatch.setattr(runs.status, "write_status", recording)  # every named transition writes through it
    training.train(TrainConfig(data=str(demo_prepared), **{**SMALL, "epochs": 2}), root=tmp_path)
    assert statuses and all(s["steps"] == 16 and 1 <= s["batch"] <= 16 for s in statuses)
    early = [s for s in statuses if s["epoch"] == 1 and s["batch"] < estimate.MIN_ETA_BATCHES]
    timed = [s for s in statuses if s not in early]
    assert early and all(s["eta_seconds"] is None for s in early)  # no guess from the traced batch
    assert all(isinstance(s["eta_seconds"], float) and s["eta_seconds"] >= 0 for s in timed)
    second_epoch = [s for s in timed if s["epoch"] == 2]
    assert second_epoch and second_epoch[-1]["eta_seconds"] < timed[0]["eta_seconds"]
    assert max(s.get("epoch") or 0 for s in every) == 2  # never "epoch 3/2" at the end
