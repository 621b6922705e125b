"""Named recipes: resolution, explicit options over a recipe's values, what a run records, and a
`train --json` whose standard output is JSON only."""

import json
import subprocess
import sys

import pytest

from weather_core.training import recipes
from weather_core import runs, settings, training
from weather_core.training import TrainConfig


def test_quick_is_the_default_and_every_recipe_is_a_valid_config(demo_prepared):
    assert training.DEFAULTS["model"] == recipes.RECIPES["quick"]["model"]
    assert TrainConfig(data="x").image_size == recipes.RECIPES["quick"]["image_size"]
    for name in recipes.RECIPES:
        TrainConfig(data=str(demo_prepared), **recipes.resolve(name)).validate()


def test_explicit_values_override_a_recipe_and_none_does_not():
    settings_ = recipes.resolve("best", epochs=3, image_size=None, flip=False)
    assert settings_["epochs"] == 3 and settings_["flip"] is False
    assert settings_["image_size"] == recipes.RECIPES["best"]["image_size"]
    assert settings_["recipe"] == "best"


def test_report_recipe_is_the_reports_own_settings():
    report = recipes.resolve("report")
    assert report["model"] == "model_3_report" and report["image_size"] == 250
    assert report["batch_size"] == 32 and report["augment"] and report["reduce_lr"]
    assert report["lr_schedule"] == "constant" and report["label_smoothing"] == 0


def test_unknown_recipe_and_contradictions_are_refused(demo_prepared):
    with pytest.raises(ValueError, match="choose from quick, best, report"):
        recipes.resolve("fast")
    with pytest.raises(ValueError, match="ReduceLROnPlateau needs the constant"):
        TrainConfig(data=str(demo_prepared), lr_schedule="cosine", reduce_lr=True).validate()
    with pytest.raises(ValueError, match="schedule must be one of"):
        TrainConfig(data=str(demo_prepared), lr_schedule="step").validate()


def test_measured_figures_come_from_the_benchmark_file(tmp_path):
    assert recipes.measured(tmp_path / "missing.json") == {}
    assert recipes.cross_validated("quick", tmp_path / "missing.json") is None
    entry = {"accuracy": 0.93, "standard_error": 0.009, "n": 845, "folds": 5, "seeds": [1, 2],
             "mean_seconds": 101.5}
    (tmp_path / "r.json").write_text(json.dumps({"recipes": {"quick": entry, "best": {"mean_accuracy": 0.95}},
                                                 "levers": {"crop": {**entry, "accuracy": 0.94}}}))
    assert recipes.cross_validated("quick", tmp_path / "r.json") == {
        "accuracy": 0.93, "standard_error": 0.009, "n": 845, "folds": 5, "seeds": [1, 2], "seconds": 101.5}
    assert recipes.cross_validated("best", tmp_path / "r.json") is None  # one split's: no estimate
    assert recipes.cross_validated("crop", tmp_path / "r.json", section="levers")["accuracy"] == 0.94
    (tmp_path / "bad.json").write_text("[" * 100_000)
    assert recipes.measured(tmp_path / "bad.json") == {}
    (tmp_path / "odd.json").write_text(json.dumps({"recipes": {"quick": {**entry, "n": "845"}}}))
    assert recipes.cross_validated("quick", tmp_path / "odd.json") is None


@pytest.mark.slow
def test_train_json_prints_only_json_and_records_the_recipe(demo_prepared, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "weather_core", "train", "--data", str(demo_prepared), "--recipe",
         "quick", "--epochs", "2", "--image-size", "32", "--runs", str(tmp_path), "--json"],
        capture_output=True, text=True, cwd=settings.PROJECT_ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    out = json.loads(lines[0])
    assert out["status"] == "finished" and out["recipe"] == "quick"
    assert "epoch 2/2" in result.stderr  # progress goes to standard error
    config = runs.read_json(f"{out['run_dir']}/config.json")
    quick = recipes.RECIPES["quick"]
    assert config["recipe"] == "quick" and config["epochs"] == 2 and config["image_size"] == 32
    assert (config["lr_schedule"], config["flip"], config["label_smoothing"]) == \
        (quick["lr_schedule"], quick["flip"], quick["label_smoothing"])
    assert any(name.startswith("CosineDecay") for name in config["callbacks"])
    rows = runs.read_metrics(out["run_dir"])
    # One warm-up epoch from 0, then the peak rate, decaying per batch (the rate at each epoch's start).
    assert rows[0]["lr"] == 0 and rows[1]["lr"] == pytest.approx(quick["learning_rate"], rel=1e-3)


@pytest.mark.slow
def test_a_seed_fixes_the_flips_two_trainings_match(demo_prepared, tmp_path):
    """Flips draw from one seeded state: with a seed, two trainings see the same flips and end
    with the same losses, however the input pipeline's threads were scheduled."""
    config = dict(data=str(demo_prepared), model="model_1", epochs=2, batch_size=8, image_size=32,
                  flip=True, augment=False, seed=5)
    losses = []
    for name in ("a", "b"):
        run_dir, status = training.train(TrainConfig(**config), root=tmp_path / name)
        assert status["state"] == "finished"
        losses.append([row["loss"] for row in runs.read_metrics(run_dir)])
    assert losses[0] == losses[1]


def test_a_run_is_its_recipe_only_with_the_recipes_settings():
    quick = {**recipes.RECIPES["quick"], "recipe": "quick", "seed": 5, "data": "x"}
    assert recipes.differences(quick) == {}  # seed and data are not the recipe's
    assert recipes.differences({**quick, "epochs": 5, "model": "model_1"}) == {"epochs": 5, "model": "model_1"}
    old = {key: value for key, value in quick.items() if key not in ("crop", "ema", "tta", "jitter")}
    assert recipes.differences(old) == {}  # a run from before the crop/EMA/TTA settings trained without them
    assert recipes.differences({**quick, "learning_rate": 0.002 + 1e-15}) == {}
    assert recipes.differences({"recipe": "nonesuch", "epochs": 3}) == {}
