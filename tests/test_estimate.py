"""Training-time estimates: measured throughputs per model and size, progress and time left."""

import pytest

from weather_core.training import estimate


def test_estimate_uses_measured_throughputs():
    assert estimate.images_per_second("model_3", 192) == 19.4
    assert estimate.images_per_second("model_3", 128) == pytest.approx(26.3 * (160 / 128) ** 2)
    assert estimate.images_per_second("model_2_report", 250) == estimate.images_per_second("model_2", 250) == 9.5
    assert estimate.images_per_second("model_1", 64) == pytest.approx(300.0)  # 4x fewer pixels than 128
    assert estimate.images_per_second("model_1", 240) == pytest.approx(19.0 * (250 / 240) ** 2)
    expected = estimate.STARTUP_SECONDS + 30 * 168 / 19.4 * 1.15
    assert estimate.estimate_seconds("model_3", 192, 30, 168) == pytest.approx(expected)


def test_progress_and_time_left():
    assert estimate.fraction_done({"epoch": 0, "epochs": 4}) == 0.0
    status = {"epoch": 2, "epochs": 4, "batch": 5, "steps": 10, "started": 100.0}
    assert estimate.fraction_done(status) == pytest.approx(1.5 / 4)
    rows = [{"epoch": 1, "seconds": 30.0}]
    assert estimate.remaining_seconds(status, rows, now=200.0) == pytest.approx(2.5 * 30.0)
    # During the first epoch (no epoch measured yet): its pace per batch, +15 % validation, the
    # trainer's own rule (estimate.seconds_left): 5 of 10 batches in 75 s, 4 epochs.
    first = {**status, "epoch": 1}
    assert estimate.remaining_seconds(first, [], now=175.0) == pytest.approx(75.0 / 5 * 10 * 1.15 * 4 - 75.0)
    assert estimate.remaining_seconds({"epoch": 0, "epochs": 4}, [], now=1.0) is None
